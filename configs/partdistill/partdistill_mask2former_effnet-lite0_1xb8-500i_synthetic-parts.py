# Stage 4 on this CPU: the PartDistillation model (the object classes of the
# objects file, K part slots each: the most parts stage 3 found in a class)
# self-trained on stage 3's ranked parts of the train split
# (the part-proposal config's PartRankingHook writes them), from the stage-2
# part-proposal model (its one-class classifier is re-initialised for the
# N x K part classes, as logged). Later rounds, if any, relabel the train split
# with the model's own parts. Validation: part mIoU of the val split with
# ground-truth objects. Each part's map is its best query's (part_map='max',
# chosen on the dev split: with Mask2Former's sum over queries a part that
# many queries cover took the pixels of thin parts).
_base_ = [
    '../_base_/models/mask2former_effnet-lite0_tiny.py',
    '../_base_/datasets/synthetic_pseudo_parts.py',
    '../_base_/schedules/mask2former_adamw.py',
    '../_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmpartdistill'], allow_failed_imports=False)

ranked_parts_root = 'work_dirs/part_proposals/part_ranking/labels/train/'
load_from = 'work_dirs/part_proposals/iter_500.pth'
model = dict(
    type='PartDistillationDetector',
    crop_sizes=((256, 256), (384, 384)),
    context=0.25,
    crop_batch=16,
    part_map='max',
    frozen_modules=('backbone', ),
    panoptic_head=dict(
        type='PartDistillationHead',
        num_object_classes=None,  # N and K from the data
        num_parts=None))

train_dataloader = dict(
    dataset=dict(
        ann_file=ranked_parts_root + 'annotations/ranked_parts.json',
        objects_file=ranked_parts_root + 'annotations/objects.json',
        class_specific=True,
        pipeline=[
            dict(type='LoadImageFromFile', to_float32=True),
            dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
            dict(type='CropAroundObject', context=0.25, jitter=0.1),
            dict(type='RandomFlip', prob=0.5),
            dict(
                type='RandomResize',
                scale=(256, 256),
                ratio_range=(0.5, 1.5),
                resize_type='Resize',
                keep_ratio=True),
            dict(
                type='RandomCrop',
                crop_size=(128, 128),
                crop_type='absolute',
                recompute_bbox=True,
                allow_negative_crop=True),
            dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-5, 1e-5), by_mask=True),
            dict(
                type='PackDetInputs',
                meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor', 'flip',
                           'flip_direction', 'object_label')),
        ]))
val_evaluator = dict(
    _delete_=True,
    type='PartMIoUMetric',
    objects_file='data/synthetic_parts/annotations/objects_val.json',
    parts_file='data/synthetic_parts/annotations/parts_val.json')
test_evaluator = val_evaluator

iters_per_round = 500
train_cfg = dict(
    type='SelfTrainingLoop',
    rounds=1,
    iters_per_round=iters_per_round,
    seed=0,
    label_dataset=dict(
        type='ObjectsDataset',
        data_root='data/synthetic_parts/',
        ann_file='annotations/objects_train.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=[
            dict(type='LoadImageFromFile', to_float32=True),
            dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
            dict(
                type='PackDetInputs',
                meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor',
                           'object_ids')),
        ]))
randomness = dict(seed=0)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(lr=2e-4))
default_hooks = dict(
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=iters_per_round, max_keep_ckpts=2),
    logger=dict(type='LoggerHook', interval=50))
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)
auto_scale_lr = dict(enable=False, base_batch_size=8)
