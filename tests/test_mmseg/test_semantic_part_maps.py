"""Semantic part maps for MMSegmentation: the writer, PartMapsDataset,
LoadObjectClassMap, PartSegformerHead and PartMapIoUMetric."""
import json
import subprocess
import sys
from pathlib import Path

import mmcv
import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS, METRICS, MODELS

from mmpartdistill.datasets import ObjectsFile, PartsFile
from mmpartdistill.datasets.converters import write_semantic_part_maps

K = 4


@pytest.fixture(autouse=True)
def mmseg_scope():
    init_default_scope('mmseg')
    yield
    init_default_scope('mmdet')


def ground_truth(root, split='val'):
    objects = ObjectsFile.load(str(root / f'annotations/objects_{split}.json'))
    return objects, PartsFile.load(str(root / f'annotations/parts_{split}.json'), objects)


def parts_as_predictions(parts, permute=False):
    """Each ground-truth part as a predicted part id: its place in its class's parts."""
    predictions = {}
    for obj_id, anns in parts.parts_by_object.items():
        owner = parts.objects.objects[obj_id]['category_id']
        order = parts.parts_of_class[owner]
        masks = parts.part_masks(obj_id)
        predictions[obj_id] = [((order.index(a['category_id']) + permute) % K, 1.0, m)
                               for a, m in zip(anns, masks)]
    return predictions


def test_ground_truth_maps_by_category(synthetic_root, tmp_path):
    objects, parts = ground_truth(synthetic_root)
    meta = write_semantic_part_maps(objects, str(tmp_path), 'val', parts=parts)
    classes = sum(len(p) for p in parts.parts_of_class.values())
    assert len(meta['classes']) == classes and meta['ignore_index'] == 255
    assert meta['splits']['val'] == dict(images=len(objects.images), img_suffix='.png')
    names = (tmp_path / 'splits/val.txt').read_text().split()
    assert len(names) == len(objects.images)
    owners = meta['part_object_labels']
    cats = sorted(objects.categories)
    for img_id in list(objects.images)[:4]:
        name = objects.images[img_id]['file_name'][:-4]
        labels = mmcv.imread(str(tmp_path / 'ann_dir/val' / f'{name}.png'), 'unchanged')
        object_map = mmcv.imread(str(tmp_path / 'obj_dir/val' / f'{name}.png'), 'unchanged')
        inside = np.zeros(labels.shape, bool)
        for obj_id in objects.objects_by_image[img_id]:
            mask = objects.mask(obj_id).astype(bool)
            inside |= mask
            c = cats.index(objects.objects[obj_id]['category_id'])
            labelled = mask & (labels != 255)
            assert (object_map[mask] == c).all()
            assert all(owners[v] == c for v in np.unique(labels[labelled])), 'parts of its class'
        assert (labels[~inside] == 255).all() and (object_map[~inside] == 255).all()


def test_one_label_space_per_folder_and_bad_part_ids(synthetic_root, tmp_path):
    objects, parts = ground_truth(synthetic_root)
    write_semantic_part_maps(objects, str(tmp_path), 'val', parts=parts)
    train_objects, train_parts = ground_truth(synthetic_root, 'train')
    write_semantic_part_maps(train_objects, str(tmp_path), 'train', parts=train_parts)
    assert set(json.loads((tmp_path / 'part_maps.json').read_text())['splits']) == {'train', 'val'}
    with pytest.raises(ValueError, match='another label space'):
        write_semantic_part_maps(
            objects, str(tmp_path), 'val', by='part_id', predictions={}, num_parts=K)
    bad = {o: [(K, 1.0, m) for _, _, m in ps] for o, ps in parts_as_predictions(parts).items()}
    with pytest.raises(ValueError, match=f'part_id {K} is outside 0..{K - 1}'):
        write_semantic_part_maps(
            objects, str(tmp_path / 'other'), 'val', by='part_id', predictions=bad, num_parts=K)
    with pytest.raises(ValueError, match='give either'):
        write_semantic_part_maps(objects, str(tmp_path), 'val')


def maps_pair(root, tmp_path, permute=False):
    objects, parts = ground_truth(root)
    write_semantic_part_maps(objects, str(tmp_path / 'gt'), 'val', parts=parts)
    write_semantic_part_maps(
        objects,
        str(tmp_path / 'found'),
        'val',
        by='part_id',
        predictions=parts_as_predictions(parts, permute),
        num_parts=K)


def dataset(root, maps, pipeline=()):
    return DATASETS.build(
        dict(
            type='PartMapsDataset',
            data_root=str(root),
            maps_root=str(maps),
            split='val',
            img_dir='images',
            pipeline=list(pipeline)))


@pytest.mark.parametrize('permute', [False, True])
def test_metric_maps_discovered_clusters_to_ground_truth_parts(synthetic_root, tmp_path, permute):
    maps_pair(synthetic_root, tmp_path, permute)
    gt = dataset(synthetic_root, tmp_path / 'gt', [dict(type='LoadAnnotations')])
    found = dataset(synthetic_root, tmp_path / 'found', [dict(type='LoadAnnotations')])
    metric = METRICS.build(dict(type='PartMapIoUMetric', part_maps=str(tmp_path / 'found')))
    metric.dataset_meta = gt.metainfo
    for truth, pred in zip(gt, found):
        sample = dict(
            gt_sem_seg=dict(data=torch.from_numpy(truth['gt_seg_map'].astype(np.int64))[None]),
            pred_sem_seg=dict(data=torch.from_numpy(pred['gt_seg_map'].astype(np.int64))[None]))
        metric.process({}, [sample])
    scores = metric.compute_metrics(metric.results)
    assert scores['hungarian/mIoU'] == pytest.approx(100.0)
    assert scores['hungarian/C-mIoU'] == pytest.approx(100.0)
    assert scores['majority/mACC'] == pytest.approx(100.0)

    metric.results = []
    for truth, pred in zip(gt, found):
        wrong = pred['gt_seg_map'].astype(np.int64)
        inside = wrong != 255
        wrong[inside] = (wrong[inside] + K) % len(found.metainfo['classes'])  # next class's parts
        metric.process({}, [
            dict(
                gt_sem_seg=dict(data=torch.from_numpy(truth['gt_seg_map'].astype(np.int64))[None]),
                pred_sem_seg=dict(data=torch.from_numpy(wrong)[None]))
        ])
    assert metric.compute_metrics(metric.results)['hungarian/mIoU'] == 0.0, \
        'a part of another object class is a miss'


def test_dataset_classes_and_object_maps_come_from_the_folder(synthetic_root, tmp_path):
    maps_pair(synthetic_root, tmp_path)
    pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadObjectClassMap'),
        dict(type='Resize', scale=(192, 192), keep_ratio=True),
        dict(type='LoadAnnotations'),
        dict(
            type='PackSegInputs',
            meta_keys=('img_path', 'ori_shape', 'img_shape', 'object_class_map'))
    ]
    data = dataset(synthetic_root, tmp_path / 'found', pipeline)
    meta = json.loads((tmp_path / 'found/part_maps.json').read_text())
    assert list(data.metainfo['classes']) == meta['classes'] and len(meta['classes']) == 7 * K
    item = data[0]
    sample = item['data_samples']
    assert sample.object_class_map.shape == tuple(sample.img_shape) == (192, 192)
    assert sample.gt_sem_seg.data.shape[-2:] == tuple(sample.ori_shape)
    with pytest.raises(ValueError, match="no split 'test'"):
        DATASETS.build(
            dict(
                type='PartMapsDataset',
                maps_root=str(tmp_path / 'found'),
                split='test',
                img_dir=str(synthetic_root / 'images')))
    with pytest.raises(FileNotFoundError, match='semantic_part_maps.py'):
        dataset(synthetic_root, tmp_path / 'nowhere')


def test_head_restricts_each_object_pixel_to_its_class_parts():
    head = MODELS.build(
        dict(
            type='PartSegformerHead',
            in_channels=[8, 8, 8, 8],
            in_index=[0, 1, 2, 3],
            channels=8,
            num_classes=3 * K,
            num_parts=K,
            norm_cfg=dict(type='BN', requires_grad=True)))
    head.eval()
    torch.manual_seed(0)
    feats = [torch.randn(1, 8, 16 // 2**i, 16 // 2**i) for i in range(4)]
    object_map = np.full((56, 60), 255, np.uint8)
    object_map[:20, :30] = 2
    object_map[30:, 30:] = 0
    metas = [dict(img_shape=(56, 60), pad_shape=(64, 64), object_class_map=object_map)]
    logits = head.predict(feats, metas, {})
    plain = head.predict(feats, [dict(img_shape=(56, 60), pad_shape=(64, 64))], {})
    assert logits.shape == plain.shape == (1, 3 * K, 64, 64)
    best = logits[0].argmax(0)
    assert ((best[:20, :30] // K) == 2).all() and ((best[30:56, 30:60] // K) == 0).all()
    outside = torch.from_numpy(np.pad(object_map, ((0, 8), (0, 4)), constant_values=255)) == 255
    assert torch.equal(logits[0][:, outside], plain[0][:, outside])
    with pytest.raises(ValueError, match='multiple of num_parts'):
        MODELS.build(
            dict(
                type='PartSegformerHead',
                in_channels=[8] * 4,
                in_index=[0, 1, 2, 3],
                channels=8,
                num_classes=10,
                num_parts=K))


def test_evaluate_part_maps_tool(synthetic_root, tmp_path):
    maps_pair(synthetic_root, tmp_path, permute=True)
    result = subprocess.run([
        sys.executable,
        str(Path(__file__).resolve().parents[2] / 'tools/evaluate_part_maps.py'), '--pred-maps',
        str(tmp_path / 'found'), '--gt-maps',
        str(tmp_path / 'gt'), '--split', 'val', '--out',
        str(tmp_path / 'scores.json')
    ],
                            text=True,
                            capture_output=True)
    assert result.returncode == 0, result.stderr[-3000:]
    scores = json.loads((tmp_path / 'scores.json').read_text())
    assert scores['hungarian/mIoU'] == pytest.approx(100.0)
    assert 'hungarian/C-mIoU: 100.00' in result.stdout


def test_tools_name_what_is_missing(synthetic_root, tmp_path):
    root = Path(__file__).resolve().parents[2]
    ann = synthetic_root / 'annotations'
    (tmp_path / 'preds.json').write_text('[]')
    result = subprocess.run([
        sys.executable,
        str(root / 'tools/dataset_converters/semantic_part_maps.py'), '--objects',
        str(ann / 'objects_val.json'), '--predictions',
        str(tmp_path / 'preds.json'), '--split', 'val', '--out',
        str(tmp_path / 'maps')
    ],
                            text=True,
                            capture_output=True)
    assert result.returncode == 2 and 'needs --num-parts K' in result.stderr
    result = subprocess.run([
        sys.executable,
        str(root / 'tools/evaluate_part_maps.py'), '--pred-maps',
        str(tmp_path / 'nowhere'), '--gt-maps',
        str(tmp_path / 'nowhere'), '--split', 'val'
    ],
                            text=True,
                            capture_output=True)
    assert result.returncode == 1 and 'nowhere not found' in result.stderr
