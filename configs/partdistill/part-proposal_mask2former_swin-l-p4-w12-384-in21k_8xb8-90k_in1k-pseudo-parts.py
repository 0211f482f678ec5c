# Stage 2 as the authors ran it for the IN-1K model: Swin-L Mask2Former with
# one foreground class and 200 queries, backbone and pixel-decoder encoder
# frozen, object-centred 640 crops with large-scale jitter, batch 64
# (8 GPUs x 8), lr 1e-5, 90k iterations.
#
# Initialised from MMDetection's COCO Swin-L Mask2Former (200 queries). MMDetection
# publishes Swin-L only as its panoptic model; its 133-class classifier is
# re-initialised for the one foreground class (logged when loading).
#
# Data: stage 1 run on ImageNet-1K objects (tools/generate_pseudo_parts.py
# --out work_dirs/pseudo_parts_in1k); proposals validated on PartImageNet
# valtest in the objects + parts format (docs/formats.md). Train on 8 GPUs with
# MMEngine's launcher:
#   python -m torch.distributed.run --nproc_per_node 8 tools/train.py CONFIG --launcher pytorch
_base_ = ['mmdet::mask2former/mask2former_swin-l-p4-w12-384-in21k_16xb1-lsj-100e_coco-panoptic.py']
custom_imports = dict(imports=['mmpartdistill'], allow_failed_imports=False)
# parts drawn by part id beside their objects (tools/test.py --show-dir)
visualizer = dict(type='PartLocalVisualizer')

load_from = 'https://download.openmmlab.com/mmdetection/v3.0/mask2former/mask2former_swin-l-p4-w12-384-in21k_16xb1-lsj-100e_coco-panoptic/mask2former_swin-l-p4-w12-384-in21k_16xb1-lsj-100e_coco-panoptic_20220407_104949-82f8d28d.pth'  # noqa
crop_size = (640, 640)
imagenet_root = 'data/imagenet/'
pseudo_parts_root = 'work_dirs/pseudo_parts_in1k/'
eval_root = 'data/partimagenet/'

model = dict(
    type='PartProposalDetector',
    crop_sizes=(crop_size, ),
    context=0.25,
    max_per_object=200,
    crop_batch=8,
    frozen_modules=('backbone', 'panoptic_head.pixel_decoder.encoder'),
    data_preprocessor=dict(
        pad_seg=False,
        batch_augments=[
            dict(
                type='BatchFixedSizePad',
                size=crop_size,
                img_pad_value=0,
                pad_mask=True,
                mask_pad_value=0,
                pad_seg=False)
        ]),
    backbone=dict(init_cfg=None),  # every weight comes from load_from
    panoptic_head=dict(
        type='PartProposalHead',
        num_things_classes=1,
        num_stuff_classes=0,
        num_queries=200,
        loss_cls=dict(class_weight=[1.0, 0.1])),
    panoptic_fusion_head=dict(num_things_classes=1, num_stuff_classes=0),
    test_cfg=dict(panoptic_on=False, semantic_on=False, instance_on=True, max_per_image=200))

train_pipeline = [
    dict(type='LoadImageFromFile', to_float32=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='CropAroundObject', context=0.25, jitter=0.1),
    dict(type='RandomFlip', prob=0.5),
    dict(
        type='RandomResize',
        scale=crop_size,
        ratio_range=(0.1, 2.0),
        resize_type='Resize',
        keep_ratio=True),
    dict(
        type='RandomCrop',
        crop_size=crop_size,
        crop_type='absolute',
        recompute_bbox=True,
        allow_negative_crop=True),
    dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-5, 1e-5), by_mask=True),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', to_float32=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor', 'object_ids')),
]
train_dataloader = dict(
    _delete_=True,
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='PseudoPartsDataset',
        ann_file=pseudo_parts_root + 'annotations/pseudo_parts.json',
        objects_file=pseudo_parts_root + 'annotations/objects.json',
        data_prefix=dict(img=imagenet_root + 'train/'),
        filter_cfg=dict(filter_empty_gt=True),
        pipeline=train_pipeline))
val_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='ObjectsDataset',
        data_root=eval_root,
        ann_file='annotations/objects_valtest.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
proposal_metric = dict(
    type='PartProposalRecall',
    objects_file=eval_root + 'annotations/objects_valtest.json',
    parts_file=eval_root + 'annotations/parts_valtest.json',
    max_dets=(10, 50, 100, 200))
val_evaluator = [
    proposal_metric,
    dict(proposal_metric, overlapping=False, prefix='proposal_disjoint'),
]
test_evaluator = val_evaluator

max_iters = 90000
optim_wrapper = dict(optimizer=dict(lr=1e-5))
param_scheduler = dict(end=max_iters, milestones=[int(max_iters * 0.9)])
interval = 10000
train_cfg = dict(max_iters=max_iters, val_interval=interval, dynamic_intervals=None)
default_hooks = dict(checkpoint=dict(interval=interval), visualization=dict(score_thr=0.0))
auto_scale_lr = dict(enable=False, base_batch_size=64)

# Stage 3 after training, with the authors' rules: the top 200 queries of an
# object; proposals winning > 5% of it with score > 0.3 feed K=8 clusters per
# class; labelled parts keep > 5% of the object and score > 0.1. Features are
# streamed to disk and classes clustered 1 GB at a time.
custom_hooks = [
    dict(
        type='PartRankingHook',
        datasets=dict(
            train=dict(
                type='ObjectsDataset',
                data_root=imagenet_root,
                ann_file='annotations/objects_train.json',
                data_prefix=dict(img='train/'),
                test_mode=True,
                pipeline=test_pipeline)),
        fit_split='train',
        num_clusters=8,
        top=200,
        keep_area=0.05,
        keep_score=0.3,
        part_area=0.05,
        part_score=0.1,
        temperature=0.1,
        memory_limit_mb=1024,
        shard_size=256,
        batch_size=8)
]
