# Stage 2 (and stage 3 after it) as the authors ran it for the IN-21K model:
# the IN-1K recipe with batch 512 (32 GPUs x 16), lr 1e-4, 50k iterations, on
# stage 1 run over ImageNet-21K objects (the authors' filtered 12K-22K classes).
#   srun ... python tools/train.py CONFIG --launcher slurm
_base_ = ['./part-proposal_mask2former_swin-l-p4-w12-384-in21k_8xb8-90k_in1k-pseudo-parts.py']

imagenet21k_root = 'data/imagenet21k/'
# stage 1 merged into folders of files (tools/generate_pseudo_parts.py ...
# --cfg-options test_cfg.images_per_file=10000), not one JSON of 14M images
pseudo_parts_root = 'work_dirs/pseudo_parts_in21k/'
train_dataloader = dict(
    batch_size=16,
    dataset=dict(
        ann_file=pseudo_parts_root + 'annotations/pseudo_parts',
        objects_file=pseudo_parts_root + 'annotations/objects',
        data_prefix=dict(img=imagenet21k_root + 'images/')))

max_iters = 50000
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = dict(end=max_iters, milestones=[int(max_iters * 0.9)])
train_cfg = dict(max_iters=max_iters)
auto_scale_lr = dict(enable=False, base_batch_size=512)
# 21K thresholds of the authors: r1 = 0.05, s1 = 0.3, r2 = 0.05, s2 = 0.1
custom_hooks = [
    dict(
        type='PartRankingHook',
        datasets=dict(
            train=dict(
                type='ObjectsDataset',
                data_root=imagenet21k_root,
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
                ])),
        fit_split='train',
        num_clusters=8,
        top=200,
        keep_area=0.05,
        keep_score=0.3,
        part_area=0.05,
        part_score=0.1,
        temperature=0.1,
        memory_limit_mb=4096,
        shard_size=256,
        batch_size=8,
        images_per_file=10000)  # the labels as folders of files
]
