# Shared by the real part benchmarks' evaluation configs: ground-truth objects
# are given, images at their own size; each benchmark's file sets the data
# paths and the metrics (part ground truth is read by the metrics only).
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor', 'object_ids')),
]
test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='ObjectsDataset', test_mode=True, pipeline=test_pipeline))
val_dataloader = test_dataloader
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
