# The built-in synthetic part benchmark (tools/make_synthetic_parts.py), val split.
# Ground-truth parts are read by the metrics only.
dataset_type = 'ObjectsDataset'
data_root = 'data/synthetic_parts/'
backend_args = None

test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor', 'object_ids')),
]
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/objects_val.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader

val_evaluator = [
    dict(
        type='PartMIoUMetric',
        objects_file=data_root + 'annotations/objects_val.json',
        parts_file=data_root + 'annotations/parts_val.json'),
    dict(
        type='PartProposalRecall',
        objects_file=data_root + 'annotations/objects_val.json',
        parts_file=data_root + 'annotations/parts_val.json'),
]
test_evaluator = val_evaluator
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
