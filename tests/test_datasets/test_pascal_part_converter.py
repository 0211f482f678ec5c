"""The Pascal-Part converter on .mat files written here in the release's struct layout."""
import subprocess
import sys
from pathlib import Path

import pytest
from real_format_fixtures import make_pascal_part

from mmpartdistill.datasets import ObjectsFile, PartsFile
from mmpartdistill.datasets.converters import convert_pascal_part

ROOT = Path(__file__).resolve().parents[2]


def test_pascal_part_converts_object_by_object(tmp_path):
    make_pascal_part(tmp_path)
    out = tmp_path / 'out'
    result = subprocess.run([
        sys.executable,
        str(ROOT / 'tools/dataset_converters/pascal_part.py'), '--parts',
        str(tmp_path / 'Annotations_Part'), '--images',
        str(tmp_path / 'JPEGImages'), '--split-file',
        str(tmp_path / 'val.txt'), '--name', 'val', '--out',
        str(out), '--part-map',
        str(tmp_path / 'merge.json')
    ],
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    log = result.stdout
    assert 'val: 2 images, 2 objects, 3 parts' in log
    assert 'skipped 1 (object without parts): 2008_000001 object 1 (chair)' in log
    assert 'skipped 2 (bad or missing .mat): 2008_000003' in log
    assert 'no "anno" struct' in log

    objects = ObjectsFile.load(str(out / 'annotations/objects_val.json'))
    parts = PartsFile.load(str(out / 'annotations/parts_val.json'), objects)
    by_class = {objects.categories[o['category_id']]['name']: i for i, o in objects.objects.items()}
    assert set(by_class) == {'dog', 'cat'}
    dog = by_class['dog']
    assert objects.mask(dog).sum() == 20 * 25
    names = sorted(parts.categories[a['category_id']]['name'] for a in parts.parts_by_object[dog])
    assert names == ['dog head', 'dog leg']  # both legs merged into one part
    leg = [
        m for a, m in zip(parts.parts_by_object[dog], parts.part_masks(dog))
        if parts.categories[a['category_id']]['name'] == 'dog leg'
    ][0]
    assert leg.sum() == 2 * 7 * 3
    cat = by_class['cat']
    assert [
        parts.categories[a['category_id']]['supercategory'] for a in parts.parts_by_object[cat]
    ] == ['cat']


@pytest.mark.parametrize('damage', [b'', b'MATLAB 5.0 MAT-file' + bytes(200), 'half', 'flipped'])
def test_one_damaged_mat_is_skipped_and_counted(tmp_path, damage):
    make_pascal_part(tmp_path)
    mat = tmp_path / 'Annotations_Part' / '2008_000002.mat'
    good = mat.read_bytes()
    if damage == 'half':
        damage = good[:len(good) // 2]
    elif damage == 'flipped':
        damage = good[:200] + bytes(b ^ 0xff for b in good[200:260]) + good[260:]
    mat.write_bytes(damage)
    names = [f'2008_00000{i}' for i in (1, 2, 3, 4)]
    _, _, summary = convert_pascal_part(
        str(tmp_path / 'Annotations_Part'), str(tmp_path / 'JPEGImages'), names, 'val')
    assert summary.images == 1
    bad = summary.skipped['bad or missing .mat']
    assert len(bad) == 3 and any(r.startswith('2008_000002') for r in bad)
