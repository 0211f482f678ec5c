"""PseudoPartsDataset and CropAroundObject: object-centred part-proposal training data."""
import json

import numpy as np
import pytest
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks

from mmpartdistill.datasets import (CropAroundObject, ObjectsFile, PartsFile, PseudoPartsDataset,
                                    context_box)


def pseudo_parts_files(root, tmp_path, drop_object=None, keep_none=False):
    """The benchmark's train parts in the role of stage-1 pseudo parts."""
    data = json.loads((root / 'annotations/parts_train.json').read_text())
    data['annotations'] = [] if keep_none else [
        a for a in data['annotations'] if a['object_id'] != drop_object
    ]
    path = tmp_path / 'pseudo_parts.json'
    path.write_text(json.dumps(data))
    return str(path), str(root / 'annotations/objects_train.json')


def build(root, ann_file, objects_file):
    return PseudoPartsDataset(
        ann_file=ann_file,
        objects_file=objects_file,
        data_prefix=dict(img=str(root / 'images')),
        pipeline=[],
        lazy_init=False)


def test_one_record_per_object_with_parts(synthetic_root, tmp_path):
    ann_file, objects_file = pseudo_parts_files(synthetic_root, tmp_path)
    objects = ObjectsFile.load(objects_file)
    parts = PartsFile.load(ann_file, objects)
    dataset = build(synthetic_root, ann_file, objects_file)
    with_parts = [o for o, anns in parts.parts_by_object.items() if anns]
    assert sorted(dataset[i]['object_id'] for i in range(len(dataset))) == sorted(with_parts)
    assert dataset.metainfo['classes'] == ('part', )
    record = dataset.get_data_info(0)
    obj = objects.objects[record['object_id']]
    x, y, w, h = obj['bbox']
    assert record['focus_bbox'] == [x, y, x + w, y + h]
    in_image = sum(len(parts.parts_by_object[o]) for o in objects.objects_by_image[obj['image_id']])
    assert len(record['instances']) == in_image
    assert {i['bbox_label'] for i in record['instances']} == {0}


def test_objects_without_parts_are_skipped(synthetic_root, tmp_path):
    first = min(ObjectsFile.load(str(synthetic_root / 'annotations/objects_train.json')).objects)
    ann_file, objects_file = pseudo_parts_files(synthetic_root, tmp_path, drop_object=first)
    full = build(synthetic_root, *pseudo_parts_files(synthetic_root, tmp_path / '..'))
    dataset = build(synthetic_root, ann_file, objects_file)
    assert len(dataset) == len(full) - 1
    assert first not in [dataset.get_data_info(i)['object_id'] for i in range(len(dataset))]


def test_split_without_pseudo_parts_is_an_error(synthetic_root, tmp_path):
    ann_file, objects_file = pseudo_parts_files(synthetic_root, tmp_path, keep_none=True)
    with pytest.raises(ValueError, match='pseudo_parts.json: no object .* has pseudo parts'):
        build(synthetic_root, ann_file, objects_file)


def test_context_box_grows_and_clips():
    assert context_box([10, 20, 30, 60], 0.25, 100, 100) == (5, 10, 35, 70)
    assert context_box([0, 0, 10, 10], 1.0, 15, 100) == (0, 0, 20, 15)
    assert context_box([5, 5, 5, 5], 0.0, 10, 10) == (5, 5, 6, 6)


def test_crop_keeps_parts_in_the_crop():
    masks = np.zeros((3, 40, 40), np.uint8)
    masks[0, 10:20, 10:20] = 1  # the focal object's part
    masks[1, 18:30, 18:22] = 1  # a neighbour's part, partly in the crop
    masks[2, 0:3, 35:40] = 1  # far away: dropped
    results = dict(
        img=np.arange(40 * 40 * 3, dtype=np.float32).reshape(40, 40, 3),
        focus_bbox=[10, 10, 20, 20],
        gt_masks=BitmapMasks(masks, 40, 40),
        gt_bboxes=HorizontalBoxes(BitmapMasks(masks, 40, 40).get_bboxes('hbox').tensor),
        gt_bboxes_labels=np.zeros(3, np.int64),
        gt_ignore_flags=np.zeros(3, bool))
    out = CropAroundObject(context=0.5)(results)
    assert out['img_shape'] == (20, 20)
    assert out['crop_box'].tolist() == [5, 5, 25, 25]
    assert len(out['gt_masks']) == 2 and len(out['gt_bboxes_labels']) == 2
    assert out['gt_masks'].masks[0].sum() == 100 and out['gt_masks'].masks[1].sum() == 7 * 4
    assert out['gt_bboxes'].tensor[1].tolist() == [13, 13, 17, 20]
    with pytest.raises(KeyError, match='focus_bbox'):
        CropAroundObject()(dict(img=np.zeros((4, 4, 3)), img_path='a.png'))


def ranked_parts_file(root, tmp_path):
    """The benchmark's train parts as class-specific labels: part_id = index in its class."""
    data = json.loads((root / 'annotations/parts_train.json').read_text())
    counters = {}
    for cat in sorted(data['categories'], key=lambda c: c['id']):
        cat['part_id'] = counters.get(cat['supercategory'], 0)
        counters[cat['supercategory']] = cat['part_id'] + 1
    path = tmp_path / 'ranked_parts.json'
    path.write_text(json.dumps(data))
    return str(path), str(root / 'annotations/objects_train.json'), data


def test_class_specific_labels(synthetic_root, tmp_path):
    ann_file, objects_file, data = ranked_parts_file(synthetic_root, tmp_path)
    objects = ObjectsFile.load(objects_file)
    parts = PartsFile.load(ann_file, objects)
    dataset = PseudoPartsDataset(
        ann_file=ann_file,
        objects_file=objects_file,
        num_parts=4,
        data_prefix=dict(img=str(synthetic_root / 'images')),
        pipeline=[],
        lazy_init=False)
    classes = sorted(objects.categories)
    assert len(dataset.metainfo['classes']) == 4 * len(classes)
    for i in range(len(dataset)):
        record = dataset.get_data_info(i)
        obj = objects.objects[record['object_id']]
        assert record['object_label'] == classes.index(obj['category_id'])
        mine = parts.parts_by_object[obj['id']]
        assert len(record['instances']) == len(mine), 'only the object\'s own parts'
        expected = sorted(record['object_label'] * 4 + parts.categories[a['category_id']]['part_id']
                          for a in mine)
        assert sorted(i['bbox_label'] for i in record['instances']) == expected


def test_class_specific_part_id_out_of_range(synthetic_root, tmp_path):
    ann_file, objects_file, _ = ranked_parts_file(synthetic_root, tmp_path)
    with pytest.raises(ValueError, match=r'ranked_parts.json: part category .* part_id'):
        PseudoPartsDataset(
            ann_file=ann_file,
            objects_file=objects_file,
            num_parts=2,
            data_prefix=dict(img=str(synthetic_root / 'images')),
            pipeline=[],
            lazy_init=False)
