# Stage 4 as the authors ran it for the IN-1K model: the PartDistillation
# model (K parts for each of the 1,000 classes: the authors' 8, as many as
# stage 3 keeps; 8,001 class outputs for K=8; N and K from the data) self-trained
# on stage 3's ranked parts of ImageNet-1K, from the stage-2 proposal model;
# backbone and pixel-decoder encoder frozen, 640 crops, batch 32 (8 GPUs x 4),
# lr 1e-5, 90k iterations, one round.
#   python -m torch.distributed.run --nproc_per_node 8 tools/train.py CONFIG --launcher pytorch
# No validation: scoring on PartImageNet needs its objects labelled with their
# ImageNet-1K class (this model's classifier blocks); the converter labels
# them with PartImageNet's 11 supercategories.
_base_ = ['./part-proposal_mask2former_swin-l-p4-w12-384-in21k_8xb8-90k_in1k-pseudo-parts.py']

load_from = 'work_dirs/part_proposals_in1k/iter_90000.pth'
ranked_parts_root = 'work_dirs/part_proposals_in1k/part_ranking/labels/train/'
custom_hooks = []
model = dict(
    type='PartDistillationDetector',
    panoptic_head=dict(
        type='PartDistillationHead',
        num_object_classes=None,  # N, K and the class weights from the data
        num_parts=None,
        loss_cls=dict(class_weight=None)),
    panoptic_fusion_head=dict(num_things_classes=None))
train_dataloader = dict(
    batch_size=4,
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
                scale=(640, 640),
                ratio_range=(0.1, 2.0),
                resize_type='Resize',
                keep_ratio=True),
            dict(
                type='RandomCrop',
                crop_size=(640, 640),
                crop_type='absolute',
                recompute_bbox=True,
                allow_negative_crop=True),
            dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-5, 1e-5), by_mask=True),
            dict(
                type='PackDetInputs',
                meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor', 'flip',
                           'flip_direction', 'object_label')),
        ]))
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = None
test_evaluator = None
test_cfg = None

iters_per_round = 90000
# fused AdamW updates every weight in one pass: the classifier alone has
# 2M (IN-1K) to 45M (IN-21K) weights, which a per-tensor-op AdamW walks 6 times
optim_wrapper = dict(optimizer=dict(lr=1e-5, fused=True))
param_scheduler = dict(end=iters_per_round, milestones=[int(iters_per_round * 0.9)])
train_cfg = dict(
    _delete_=True,
    type='SelfTrainingLoop',
    rounds=1,
    iters_per_round=iters_per_round,
    val_each_round=False,
    seed=0)
default_hooks = dict(checkpoint=dict(interval=10000))
auto_scale_lr = dict(enable=False, base_batch_size=32)
