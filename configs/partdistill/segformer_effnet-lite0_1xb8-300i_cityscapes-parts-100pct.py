# The few-shot Cityscapes-Panoptic-Parts protocol through MMSegmentation: the
# SegFormer that learnt the synthetic benchmark's distilled parts is
# fine-tuned on the ground-truth parts of the train split's first 100%
# (--cfg-options train_dataloader.dataset.split=train_10pct, or train_1pct,
# train_5pct: the other make_fewshot_split.py outputs, written as part maps);
# its classifier is re-initialised for
# Cityscapes' 5 classes x 5 parts. Both splits are part maps by part_id
# (the converter numbers each class's parts), so MMSegmentation's own
# IoUMetric scores the val split, with the objects given.
_base_ = ['./segformer_effnet-lite0_1xb8-1k_synthetic-distilled-parts.py']
data_root = 'data/cityscapes/'
maps = 'part_maps'  # semantic_part_maps.py --by part_id --num-parts 5, splits train_100pct + val
load_from = 'work_dirs/segformer_distilled/iter_1000.pth'
crop_size = (512, 512)
model = dict(
    data_preprocessor=dict(size=crop_size),
    decode_head=dict(part_maps=data_root + maps + '/part_maps.json'))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(1024, 512), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadObjectClassMap'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(
        type='PackSegInputs',
        meta_keys=('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape',
                   'scale_factor', 'flip', 'flip_direction', 'reduce_zero_label',
                   'object_class_map')),
]
train_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        maps_root=maps,
        split='train_100pct',
        img_dir='leftImg8bit/train',
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        maps_root=maps,
        split='val',
        img_dir='leftImg8bit/val',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(_delete_=True, type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
max_iters = 300
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=30),
    dict(type='PolyLR', power=1.0, begin=30, end=max_iters, eta_min=0.0, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
