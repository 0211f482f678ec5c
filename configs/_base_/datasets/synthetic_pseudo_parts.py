# Stage 2 on the synthetic part benchmark: train on stage 1's pseudo parts of
# the train split (tools/generate_pseudo_parts.py --out work_dirs/pseudo_parts_train),
# object-centred crops; validate the proposals on the val split's ground-truth
# parts (read by the metric only), with ground-truth objects.
data_root = 'data/synthetic_parts/'
pseudo_parts_root = 'work_dirs/pseudo_parts_train/'
# Objects are magnified: the object crop is resized to about object_scale
# (the size the model sees whole objects at inference, its crop_size), and
# training takes crop_size windows of it. Part masks come out finer than at
# the images' own scale.
object_scale = (256, 256)
crop_size = (128, 128)
backend_args = None

train_pipeline = [
    dict(type='LoadImageFromFile', to_float32=True, backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='CropAroundObject', context=0.25, jitter=0.1),
    dict(type='RandomFlip', prob=0.5),
    # large-scale jitter of the object crop, as Mask2Former trains
    dict(
        type='RandomResize',
        scale=object_scale,
        ratio_range=(0.5, 1.5),
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
    dict(type='LoadImageFromFile', to_float32=True, backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor', 'object_ids')),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    batch_sampler=None,
    dataset=dict(
        type='PseudoPartsDataset',
        ann_file=pseudo_parts_root + 'annotations/pseudo_parts.json',
        objects_file=pseudo_parts_root + 'annotations/objects.json',
        data_prefix=dict(img=data_root + 'images/'),
        filter_cfg=dict(filter_empty_gt=True),
        pipeline=train_pipeline,
        backend_args=backend_args))
val_dataloader = dict(
    batch_size=4,
    num_workers=1,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='ObjectsDataset',
        data_root=data_root,
        ann_file='annotations/objects_val.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='PartProposalRecall',
    objects_file=data_root + 'annotations/objects_val.json',
    parts_file=data_root + 'annotations/parts_val.json',
    max_dets=(10, 50, 100, 200))
test_evaluator = val_evaluator
