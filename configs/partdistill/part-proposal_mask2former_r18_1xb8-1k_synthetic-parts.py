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
    crop_size=(128, 128),
    context=0.25,
    max_per_object=20,
    crop_batch=16,
    # the authors freeze the backbone and the pixel decoder's encoder; this
    # stage-0 ResNet-18 trained from scratch on a CPU gains from tuning
    frozen_modules=(),
    panoptic_head=dict(
        type='PartProposalHead', num_things_classes=1, loss_cls=dict(class_weight=[1.0, 0.1])),
    panoptic_fusion_head=dict(num_things_classes=1))

max_iters = 1000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=500)
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
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=500, max_keep_ckpts=2),
    logger=dict(type='LoggerHook', interval=50))
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)
auto_scale_lr = dict(enable=False, base_batch_size=8)
