"""Converters fail, naming what is wrong, instead of writing empty datasets."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mmpartdistill.datasets.converters import (ConversionError, convert_cityscapes_panoptic_parts,
                                               convert_partimagenet, convert_pascal_part)

ROOT = Path(__file__).resolve().parents[2]


def test_missing_inputs_are_named(tmp_path):
    nowhere = str(tmp_path / 'nowhere')
    with pytest.raises(ConversionError, match=f'not found: annotation file {nowhere}/val.json'):
        convert_partimagenet([('val', f'{nowhere}/val.json', f'{nowhere}/val')], 'val')
    with pytest.raises(ConversionError, match=f'not found: mat folder {nowhere}, image folder'):
        convert_pascal_part(nowhere, nowhere, ['2008_000001'], 'val')
    with pytest.raises(ConversionError, match=f'not found: label folder {nowhere}'):
        convert_cityscapes_panoptic_parts(nowhere, nowhere, 'val')


def test_inputs_holding_nothing_write_nothing(tmp_path):
    (tmp_path / 'images').mkdir()
    (tmp_path / 'val.json').write_text(json.dumps(dict(images=[], annotations=[], categories=[])))
    with pytest.raises(ConversionError, match=r'val: no object converted from .*val.json'):
        convert_partimagenet([('val', str(tmp_path / 'val.json'), str(tmp_path / 'images'))], 'val')
    with pytest.raises(ConversionError, match=r'no object converted .*1 skipped'):
        convert_pascal_part(str(tmp_path), str(tmp_path / 'images'), ['2008_000001'], 'val')
    with pytest.raises(ConversionError, match=r'no object converted .*nothing to read'):
        convert_cityscapes_panoptic_parts(str(tmp_path), str(tmp_path / 'images'), 'val')


def test_tool_exits_with_the_error_and_writes_nothing(tmp_path):
    run = subprocess.run([
        sys.executable,
        str(ROOT / 'tools/dataset_converters/cityscapes_panoptic_parts.py'), '--root',
        str(tmp_path / 'cityscapes'), '--split', 'val', '--out',
        str(tmp_path / 'out')
    ],
                         capture_output=True,
                         text=True)
    assert run.returncode != 0
    assert 'error: not found: label folder' in run.stderr
    assert not (tmp_path / 'out').exists()
