import hashlib
import json

import cv2
import numpy as np
import pytest

from mmpartdistill.datasets import OBJECT_CLASSES, ObjectsFile, PartsFile, make_synthetic_parts


def digest(root):
    h = hashlib.sha256()
    for path in sorted(root.rglob('*')):
        if path.is_file():
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def test_classes_have_two_to_six_parts():
    assert len(OBJECT_CLASSES) >= 6
    for obj_class in OBJECT_CLASSES:
        assert 2 <= len(obj_class.parts) <= 6
        families = [family for _, family in obj_class.parts]
        assert len(set(families)) == len(families), obj_class.name


def test_deterministic_for_a_seed(tmp_path):
    a, b, c = tmp_path / 'a', tmp_path / 'b', tmp_path / 'c'
    for root, seed in ((a, 1), (b, 1), (c, 2)):
        make_synthetic_parts(str(root), num_images=4, seed=seed, image_size=64)
    assert digest(a) == digest(b)
    assert digest(a) != digest(c)


def test_format_and_consistency(synthetic_root):
    for split in ('train', 'val'):
        objects = ObjectsFile.load(str(synthetic_root / f'annotations/objects_{split}.json'))
        parts = PartsFile.load(str(synthetic_root / f'annotations/parts_{split}.json'), objects)
        assert objects.objects, split
        for cat in parts.categories.values():
            assert cat['supercategory'] == objects.categories[cat['object_category_id']]['name']
        for obj_id in objects.objects:
            mask = objects.mask(obj_id).astype(bool)
            part_masks = parts.part_masks(obj_id).astype(bool)
            assert len(part_masks) >= 1
            assert not (part_masks & ~mask).any(), 'a part leaks out of its object'
            assert (part_masks.sum(0) <= 1).all(), 'parts of an object overlap'


def test_images_are_noisy_and_colours_vary(synthetic_root):
    objects = ObjectsFile.load(str(synthetic_root / 'annotations/objects_train.json'))
    parts = PartsFile.load(str(synthetic_root / 'annotations/parts_train.json'), objects)
    mean_colour = {}
    for obj_id, obj in objects.objects.items():
        image = cv2.imread(
            str(synthetic_root / 'images' / objects.images[obj['image_id']]['file_name']))
        for ann, mask in zip(parts.parts_by_object[obj_id], parts.part_masks(obj_id)):
            pixels = image[mask.astype(bool)]
            if len(pixels) > 20:
                assert pixels.std(0).max() > 2, 'part is flat: no noise'
                mean_colour.setdefault(ann['category_id'], []).append(pixels.mean(0))
    spreads = [np.std(v, axis=0).max() for v in mean_colour.values() if len(v) >= 3]
    assert spreads and np.median(spreads) > 20, 'part colour is nearly constant across instances'


def test_annotation_files_are_json(synthetic_root):
    data = json.loads((synthetic_root / 'annotations/parts_val.json').read_text())
    ann = data['annotations'][0]
    assert {'id', 'image_id', 'object_id', 'category_id', 'segmentation', 'area',
            'bbox'} <= set(ann)
    assert isinstance(ann['segmentation']['counts'], str)


def test_class_sets_rename_and_count(tmp_path):
    make_synthetic_parts(
        str(tmp_path), num_images=4, seed=0, image_size=64, classes=['tower=lamp', 'mug'])
    objects = json.loads((tmp_path / 'annotations/objects_train.json').read_text())
    parts = json.loads((tmp_path / 'annotations/parts_train.json').read_text())
    assert [c['name'] for c in objects['categories']] == ['tower', 'mug']
    assert {c['supercategory'] for c in parts['categories']} == {'tower', 'mug'}
    assert 'tower shade' in {c['name'] for c in parts['categories']}
    with pytest.raises(ValueError, match="'ghost' is not one of"):
        make_synthetic_parts(str(tmp_path / 'x'), num_images=2, classes=['a=ghost'])
    with pytest.raises(ValueError, match='distinct'):
        make_synthetic_parts(str(tmp_path / 'y'), num_images=2, classes=['mug', 'mug'])
