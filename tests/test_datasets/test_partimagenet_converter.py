"""The PartImageNet converter on files in PartImageNet's own layout, made here."""
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmpartdistill.datasets import AnnotationFormatError, ObjectsFile, PartsFile
from mmpartdistill.datasets.converters import convert_partimagenet

ROOT = Path(__file__).resolve().parents[2]
CATEGORIES = [
    dict(id=0, name='Quadruped Head', supercategory='Quadruped'),
    dict(id=1, name='Quadruped Body', supercategory='Quadruped'),
    dict(id=2, name='Car Body', supercategory='Car'),
    dict(id=3, name='Car Tier', supercategory='Car'),
]


def box(x1, y1, x2, y2):
    """A rectangle as a COCO polygon."""
    return [[x1, y1, x2, y1, x2, y2, x1, y2]]


def write_split(root, split, images, annotations):
    (root / 'images' / split).mkdir(parents=True)
    for image in images:
        path = root / 'images' / split / image['file_name']
        if image.get('corrupt'):
            path.write_bytes(b'\xff\xd8\xff\xe0 not really a jpeg')
        elif not image.get('missing'):
            cv2.imwrite(str(path), np.full((image['height'], image['width'], 3), 90, np.uint8))
    (root / 'annotations').mkdir(exist_ok=True)
    records = [{
        k: v
        for k, v in i.items() if k in ('id', 'file_name', 'width', 'height')
    } for i in images]
    (root / 'annotations' / f'{split}.json').write_text(
        json.dumps(dict(images=records, annotations=annotations, categories=CATEGORIES)))


def make_partimagenet(root):
    write_split(root, 'train', [dict(id=1, file_name='n02085620_1.JPEG', width=40, height=30)], [
        dict(id=1, image_id=1, category_id=0, segmentation=box(2, 2, 10, 10), area=64, iscrowd=0),
        dict(id=2, image_id=1, category_id=1, segmentation=box(10, 2, 30, 20), area=360, iscrowd=0),
    ])
    # val and test reuse ids 1 and 2, as the released splits do
    write_split(root, 'val', [
        dict(id=1, file_name='n02814533_1.JPEG', width=50, height=40),
        dict(id=2, file_name='n02814533_2.JPEG', width=50, height=40, corrupt=True),
    ], [
        dict(id=1, image_id=1, category_id=2, segmentation=box(5, 5, 45, 30), area=1000, iscrowd=0),
        dict(id=2, image_id=1, category_id=3, segmentation=box(8, 30, 16, 38), area=64, iscrowd=0),
        dict(id=3, image_id=2, category_id=2, segmentation=box(5, 5, 45, 30), area=1000, iscrowd=0),
        dict(id=4, image_id=1, category_id=9, segmentation=box(0, 0, 3, 3), area=9, iscrowd=0),
    ])
    write_split(root, 'test', [
        dict(id=1, file_name='n02085620_7.JPEG', width=32, height=32),
        dict(id=2, file_name='n02085620_8.JPEG', width=32, height=32, missing=True),
    ], [
        dict(id=1, image_id=1, category_id=0, segmentation=box(0, 0, 8, 8), area=64, iscrowd=0),
        dict(id=2, image_id=2, category_id=0, segmentation=box(0, 0, 8, 8), area=64, iscrowd=0),
    ])


def test_partimagenet_converts_object_by_object(tmp_path):
    make_partimagenet(tmp_path)
    result = subprocess.run([
        sys.executable,
        str(ROOT / 'tools/dataset_converters/partimagenet.py'), '--root',
        str(tmp_path)
    ],
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    log = result.stdout
    assert 'valtest: 2 images, 2 objects, 3 parts' in log
    assert 'skipped 1 (unknown category_id): val annotation 4' in log
    assert 'skipped 1 (image unreadable (OSError)): val image 2 (n02814533_2.JPEG)' in log
    assert 'skipped 1 (image file missing): test image 2 (n02085620_8.JPEG)' in log

    ann = tmp_path / 'annotations'
    objects = ObjectsFile.load(str(ann / 'objects_valtest.json'))
    parts = PartsFile.load(str(ann / 'parts_valtest.json'), objects)
    assert sorted(c['name'] for c in objects.categories.values()) == ['Car', 'Quadruped']
    files = {i['file_name'] for i in objects.images.values()}
    assert files == {'val/n02814533_1.JPEG', 'test/n02085620_7.JPEG'}
    for obj_id, obj in objects.objects.items():
        image = objects.images[obj['image_id']]
        masks = parts.part_masks(obj_id).astype(bool)
        # the object is the union of its parts, and the parts are its class's
        assert (objects.mask(obj_id).astype(bool) == masks.any(0)).all()
        owner = objects.categories[obj['category_id']]['name']
        names = {parts.categories[a['category_id']]['name'] for a in parts.parts_by_object[obj_id]}
        if image['file_name'].startswith('val/'):
            assert owner == 'Car' and names == {'car body', 'car tier'}
            assert sorted(int(m.sum()) for m in masks) == [64, 40 * 25]
        else:
            assert owner == 'Quadruped' and names == {'quadruped head'}

    train = ObjectsFile.load(str(ann / 'objects_train.json'))
    assert len(train.objects) == 1 and train.objects[1]['area'] == 64 + 360


def test_part_category_without_object_class_is_named(tmp_path):
    (tmp_path / 'images').mkdir()
    path = tmp_path / 'val.json'
    path.write_text(
        json.dumps(dict(images=[], annotations=[], categories=[dict(id=5, name='Fin')])))
    with pytest.raises(AnnotationFormatError, match=r'val.json: part category 5 \(Fin\) has no'):
        convert_partimagenet([('val', str(path), str(tmp_path / 'images'))], 'val')
