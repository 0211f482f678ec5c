# Stage 2 on this CPU: class-agnostic part proposals learnt from stage 1's
# pseudo parts, starting from the stage-0 instance model (its 7-class
# classifier is re-initialised for the one foreground class, as logged).
_base_ = [
    '../_base_/models/mask2former_r18_tiny.py',
    '../_base_/datasets/synthetic_pseudo_parts.py',
    'mmdet::_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmpartdistill'], allow_failed_imports=False)

load_from = 'work_dirs/stage0/iter_2000.pth'
model = dict(
    type='PartProposalDetector',
    # whole objects at 1.5x the training object_scale: masks come out finer
    # (AR@100 on a seed-1 dev split: 36.3 at 256, 38.8 at 320, 40.0 at 384)
    crop_size=(384, 384),
    context=0.25,
    max_per_object=20,
    crop_batch=16,
    frozen_modules=('backbone', ),
    panoptic_head=dict(
        type='PartProposalHead', num_things_classes=1, loss_cls=dict(class_weight=[1.0, 0.1])),
    panoptic_fusion_head=dict(num_things_classes=1))

# 500 iterations: on the dev split, 1000 fitted the pseudo parts' noise
# (AR@100 40.0 after 500, 38.1 after 1000)
max_iters = 500
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=250)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-4, weight_decay=0.05, eps=1e-8, betas=(0.9, 0.999)),
    clip_grad=dict(max_norm=0.01, norm_type=2),
    paramwise_cfg=dict(
        custom_keys=dict(
            query_embed=dict(lr_mult=1.0, decay_mult=0.0),
            query_feat=dict(lr_mult=1.0, decay_mult=0.0),
            level_embed=dict(lr_mult=1.0, decay_mult=0.0)),
        norm_decay_mult=0.0))
param_scheduler = dict(
    type='MultiStepLR',
    begin=0,
    end=max_iters,
    by_epoch=False,
    milestones=[int(max_iters * 0.8)],
    gamma=0.1)
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=250, max_keep_ckpts=2),
    logger=dict(type='LoggerHook', interval=50))
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)
auto_scale_lr = dict(enable=False, base_batch_size=8)
