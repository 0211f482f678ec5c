"""The Pascal-Part converter on .mat files written here in the release's struct layout."""
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
from scipy.io import savemat

from mmpartdistill.datasets import ObjectsFile, PartsFile

ROOT = Path(__file__).resolve().parents[2]
H, W = 30, 40


def struct_array(records, fields):
    """A 1 x N MATLAB struct array, as the release stores objects and parts."""
    array = np.empty((1, len(records)), dtype=[(f, 'O') for f in fields])
    for i, record in enumerate(records):
        for f in fields:
            array[0, i][f] = record[f]
    return array


def rect(y1, y2, x1, x2):
    mask = np.zeros((H, W), np.uint8)
    mask[y1:y2, x1:x2] = 1
    return mask


def write_image(folder, name, objects=None, mat=True, anno=True):
    cv2.imwrite(str(folder / 'JPEGImages' / f'{name}.jpg'), np.full((H, W, 3), 80, np.uint8))
    if not mat:
        return
    fields = ['class', 'class_ind', 'mask', 'parts']
    rows = [
        dict({
            'class': cls,
            'class_ind': 0,
            'mask': mask
        },
             parts=struct_array([dict(part_name=p, mask=m)
                                 for p, m in parts], ['part_name', 'mask']) if parts else np.zeros(
                                     (0, 0))) for cls, mask, parts in objects
    ]
    record = np.empty((1, 1), dtype=[('imname', 'O'), ('objects', 'O')])
    record[0, 0]['imname'] = name
    record[0, 0]['objects'] = struct_array(rows, fields)
    savemat(str(folder / 'Annotations_Part' / f'{name}.mat'), {'anno' if anno else 'other': record})


def make_pascal_part(root):
    (root / 'JPEGImages').mkdir()
    (root / 'Annotations_Part').mkdir()
    dog = rect(5, 25, 5, 30)
    write_image(
        root,
        '2008_000001',
        [
            ('dog', dog, [('head', rect(5, 12, 5, 15)), ('lfleg', rect(18, 25, 5, 8)),
                          ('rfleg', rect(18, 25, 10, 13))]),
            ('chair', rect(0, 10, 30, 40), []),  # Pascal-Part does not split chairs
        ])
    write_image(root, '2008_000002', [('cat', rect(0, 30, 0, 20), [('tail', rect(0, 5, 15, 20))])])
    write_image(root, '2008_000003', mat=False)
    write_image(root, '2008_000004', [('cat', rect(0, 3, 0, 3), [])], anno=False)
    (root / 'val.txt').write_text('2008_000001\n2008_000002\n2008_000003\n2008_000004\n')
    (root / 'merge.json').write_text(json.dumps({'dog': {'lfleg': 'leg', 'rfleg': 'leg'}}))


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
