# PartDistillation's parts in a stock MMSegmentation segmentor: SegFormer
# (EncoderDecoder, MiT-B0, from scratch: no weights can be fetched here)
# learns the distilled parts of the synthetic benchmark's train split (the
# stage-4 model's parts, K per object class, written as part maps), and is
# scored on the val split's ground-truth part maps with the objects given,
# clusters mapped to parts as in the unsupervised protocol (PartMapIoUMetric,
# an IoUMetric). README (MMSegmentation) gives the commands that write the maps.
# MMSegmentation's SegFormer MiT-B0 model and runtime settings are spelt out:
# `mmseg::` bases resolve only where the package is named mmsegmentation.
default_scope = 'mmseg'
custom_imports = dict(imports=['mmpartdistill'], allow_failed_imports=False)
env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
visualizer = dict(type='SegLocalVisualizer', vis_backends=[dict(type='LocalVisBackend')])
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False

data_root = 'data/synthetic_parts/'
distilled_maps = 'part_maps/distilled'  # semantic_part_maps.py --by part_id, split train
ground_truth_maps = 'part_maps/gt'  # semantic_part_maps.py --parts parts_val.json, split val
crop_size = (256, 256)
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255,
        size=crop_size),
    backbone=dict(
        type='MixVisionTransformer',
        in_channels=3,
        embed_dims=32,
        num_stages=4,
        num_layers=[2, 2, 2, 2],
        num_heads=[1, 2, 5, 8],
        patch_sizes=[7, 3, 3, 3],
        sr_ratios=[8, 4, 2, 1],
        out_indices=(0, 1, 2, 3),
        mlp_ratio=4,
        qkv_bias=True,
        drop_rate=0.0,
        attn_drop_rate=0.0,
        drop_path_rate=0.1),
    decode_head=dict(
        type='PartSegformerHead',
        part_maps=data_root + distilled_maps + '/part_maps.json',
        in_channels=[32, 64, 160, 256],
        in_index=[0, 1, 2, 3],
        channels=128,
        dropout_ratio=0.1,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))

# the benchmark's 128-px images, magnified so that small parts span several
# output pixels of the stride-4 head
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(384, 384), ratio_range=(0.75, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadObjectClassMap'),
    dict(type='Resize', scale=(384, 384), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(
        type='PackSegInputs',
        meta_keys=('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape',
                   'scale_factor', 'flip', 'flip_direction', 'reduce_zero_label',
                   'object_class_map')),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='PartMapsDataset',
        data_root=data_root,
        maps_root=distilled_maps,
        split='train',
        img_dir='images',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='PartMapsDataset',
        data_root=data_root,
        maps_root=ground_truth_maps,
        split='val',
        img_dir='images',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='PartMapIoUMetric', part_maps=data_root + distilled_maps + '/part_maps.json')
test_evaluator = val_evaluator

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.01),
    paramwise_cfg=dict(custom_keys=dict(norm=dict(decay_mult=0.0))))
max_iters = 1000
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=100),
    dict(type='PolyLR', power=1.0, begin=100, end=max_iters, eta_min=0.0, by_epoch=False),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=max_iters),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
randomness = dict(seed=0)
