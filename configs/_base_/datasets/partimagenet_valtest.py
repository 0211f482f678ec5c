# PartImageNet valtest (val + test merged, tools/dataset_converters/partimagenet.py).
# Ground-truth objects are given; part ground truth is read by the metrics only.
# The authors' protocol: part mIoU with majority-vote mapping, proposal AR@200
# overlapping and non-overlapping.
data_root = 'data/partimagenet/'
objects_file = data_root + 'annotations/objects_valtest.json'
parts_file = data_root + 'annotations/parts_valtest.json'
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
    dataset=dict(
        type='ObjectsDataset',
        data_root=data_root,
        ann_file='annotations/objects_valtest.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=test_pipeline))
val_dataloader = test_dataloader
test_evaluator = [
    dict(type='PartMIoUMetric', objects_file=objects_file, parts_file=parts_file),
    dict(
        type='PartProposalRecall',
        objects_file=objects_file,
        parts_file=parts_file,
        max_dets=(200, )),
    dict(
        type='PartProposalRecall',
        objects_file=objects_file,
        parts_file=parts_file,
        max_dets=(200, ),
        overlapping=False,
        prefix='proposal_disjoint'),
]
val_evaluator = test_evaluator
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
