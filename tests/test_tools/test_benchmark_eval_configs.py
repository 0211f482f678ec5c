"""The benchmark evaluation configs end to end on converted fixture data."""
import json
import sys
from pathlib import Path

import pytest
from real_format_fixtures import make_cityscapes_parts, make_partimagenet, make_pascal_part
from test_train_tools import run

ROOT = Path(__file__).resolve().parents[2]
CONVERTERS = ROOT / 'tools/dataset_converters'
FAST = [
    '--cfg-options', 'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False'
]


def prepare(name, data):
    """Write the fixture in its release layout and convert it, as a user would."""
    if name == 'partimagenet-valtest':
        make_partimagenet(data)
        return [CONVERTERS / 'partimagenet.py', '--root', data]
    if name == 'pascal-part-val':
        make_pascal_part(data)
        return [
            CONVERTERS / 'pascal_part.py', '--parts', data / 'Annotations_Part', '--images',
            data / 'JPEGImages', '--split-file', data / 'val.txt', '--name', 'val', '--out', data
        ]
    make_cityscapes_parts(data)
    return [CONVERTERS / 'cityscapes_panoptic_parts.py', '--root', data, '--split', 'val']


@pytest.mark.slow
@pytest.mark.parametrize('name, folder', [('partimagenet-valtest', 'partimagenet'),
                                          ('pascal-part-val', 'pascal_part'),
                                          ('cityscapes-parts-val', 'cityscapes')])
def test_eval_config_runs_on_converted_data(name, folder, tmp_path):
    data = tmp_path / 'data' / folder
    data.mkdir(parents=True)
    run([sys.executable] + prepare(name, data), tmp_path)
    config = ROOT / f'configs/partdistill/axis-bands-baseline_k4_{name}.py'
    run([sys.executable, ROOT / 'tools/test.py', config, '--work-dir', tmp_path / 'work'] + FAST,
        tmp_path)
    metrics = json.loads((tmp_path / 'work/metrics.json').read_text())
    assert any(key.startswith('part/') for key in metrics)
    assert 0 <= metrics['proposal/AR@200'] <= 100
    assert 0 <= metrics['proposal_disjoint/AR@200'] <= 100
