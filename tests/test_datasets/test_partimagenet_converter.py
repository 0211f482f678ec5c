"""The PartImageNet converter on files in PartImageNet's own layout, made here."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from real_format_fixtures import make_partimagenet

from mmpartdistill.datasets import AnnotationFormatError, ObjectsFile, PartsFile
from mmpartdistill.datasets.converters import convert_partimagenet

ROOT = Path(__file__).resolve().parents[2]


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
