import pytest

from mmpartdistill.datasets import ObjectsDataset, ObjectsFile


def pipeline():
    return [
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
        dict(
            type='PackDetInputs',
            meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'object_ids'))
    ]


def test_instances_align_with_object_ids(synthetic_root):
    dataset = ObjectsDataset(
        data_root=str(synthetic_root),
        ann_file='annotations/objects_val.json',
        data_prefix=dict(img='images/'),
        pipeline=pipeline(),
        test_mode=True)
    objects = ObjectsFile.load(str(synthetic_root / 'annotations/objects_val.json'))
    assert dataset.metainfo['classes'] == tuple(c['name'] for c in objects.categories.values())
    assert len(dataset) == len(objects.images)
    for index in range(len(dataset)):
        item = dataset[index]['data_samples']
        ids = item.object_ids
        assert ids == objects.objects_by_image[item.img_id]
        masks = item.gt_instances.masks.to_ndarray()
        for obj_id, mask in zip(ids, masks):
            assert (mask == objects.mask(obj_id)).all()
            label = item.gt_instances.labels[ids.index(obj_id)]
            assert dataset.cat_ids[label] == objects.objects[obj_id]['category_id']


def test_unknown_class_in_metainfo(synthetic_root):
    with pytest.raises(ValueError, match=r"classes \['unicorn'\] are not categories"):
        ObjectsDataset(
            data_root=str(synthetic_root),
            ann_file='annotations/objects_val.json',
            metainfo=dict(classes=('unicorn', )),
            pipeline=[])


def test_classes_in_another_order_and_objects_without_boxes(synthetic_root, tmp_path):
    import json
    objects = ObjectsFile.load(str(synthetic_root / 'annotations/objects_val.json'))
    names = [c['name'] for c in sorted(objects.categories.values(), key=lambda c: c['id'])]
    with pytest.raises(ValueError, match='in category id order'):
        ObjectsDataset(
            data_root=str(synthetic_root),
            ann_file='annotations/objects_val.json',
            metainfo=dict(classes=tuple(reversed(names[:2]))),
            pipeline=[])
    data = json.loads((synthetic_root / 'annotations/objects_val.json').read_text())
    for ann in data['annotations']:
        ann.pop('bbox', None)
        ann.pop('area', None)
    (tmp_path / 'objects.json').write_text(json.dumps(data))
    dataset = ObjectsDataset(
        ann_file=str(tmp_path / 'objects.json'),
        data_prefix=dict(img=str(synthetic_root / 'images')),
        pipeline=pipeline(),
        test_mode=True)
    item = dataset[0]['data_samples']
    assert item.object_ids == objects.objects_by_image[item.img_id]
    assert len(item.gt_instances) == len(item.object_ids) > 0
