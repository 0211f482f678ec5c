# Stage 0 on this CPU: a small Mask2Former learns the synthetic benchmark's
# object instances (objects files only, never the parts). Its features and
# masks are where PartDistillation starts (1,000 iterations here).
_base_ = [
    '../_base_/models/mask2former_effnet-lite0_tiny.py',
    '../_base_/datasets/synthetic_objects.py',
    '../_base_/schedules/mask2former_adamw.py',
    '../_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmpartdistill'], allow_failed_imports=False)

# objects, not parts, are drawn by MMDetection's own visualizer
visualizer = dict(type='DetLocalVisualizer')
max_iters = 1000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
randomness = dict(seed=0)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(lr=4e-4))
param_scheduler = dict(
    type='MultiStepLR',
    begin=0,
    end=max_iters,
    by_epoch=False,
    milestones=[int(max_iters * 0.8)],
    gamma=0.1)
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=max_iters, max_keep_ckpts=2),
    logger=dict(type='LoggerHook', interval=50),
    visualization=dict(score_thr=0.3))
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)
auto_scale_lr = dict(enable=False, base_batch_size=4)
