# Few-shot part segmentation on Cityscapes-Panoptic-Parts: the IN-1K
# PartDistillation model (partdistill_..._8xb4-90k_in1k.py) fine-tuned on the
# ground-truth parts of 100% of the train images; the _1pct, _5pct and _10pct
# configs change the split only. Its 8,001-way classifier is re-initialised
# for the 5 classes x 5 parts of Cityscapes (person, rider: torso, head, arm,
# leg; car, truck, bus: window, wheel, light, license plate, chassis), as
# logged when the weights load. The schedule (batch 16, lr 1e-4, 20k
# iterations) is ours: method.md gives none for fine-tuning.
#   python tools/make_fewshot_split.py --objects data/cityscapes/annotations/objects_train.json \
#       --parts data/cityscapes/annotations/parts_train.json
#   python -m torch.distributed.run --nproc_per_node 8 tools/train.py CONFIG --launcher pytorch
# Validation: val with ground-truth objects; a model trained on labelled parts
# is scored with the identity mapping (its part k is the part whose category
# has part_id k), the majority vote beside it.
_base_ = ['./partdistill_mask2former_swin-l-p4-w12-384-in21k_8xb4-90k_in1k.py']
data_root = 'data/cityscapes/'
load_from = 'work_dirs/partdistill_in1k/iter_90000.pth'
# the stage-4 training pipeline (object crops, 640) on Cityscapes' ground-truth parts
train_dataloader = dict(
    batch_size=2,
    dataset=dict(
        data_root=data_root,
        ann_file='annotations/parts_train_100pct.json',
        objects_file='annotations/objects_train_100pct.json',
        data_prefix=dict(img='leftImg8bit/train/'),
        class_specific=True))
val_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='ObjectsDataset',
        data_root=data_root,
        ann_file='annotations/objects_val.json',
        data_prefix=dict(img='leftImg8bit/val/'),
        test_mode=True,
        pipeline=[
            dict(type='LoadImageFromFile', to_float32=True),
            dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
            dict(
                type='PackDetInputs',
                meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor',
                           'object_ids')),
        ]))
test_dataloader = val_dataloader
val_evaluator = dict(
    _delete_=True,
    type='PartMIoUMetric',
    objects_file=data_root + 'annotations/objects_val.json',
    parts_file=data_root + 'annotations/parts_val.json',
    mappings=('identity', 'majority'))
test_evaluator = val_evaluator
max_iters = 20000
train_cfg = dict(
    _delete_=True, type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(_delete_=True, type='ValLoop')
test_cfg = dict(_delete_=True, type='TestLoop')
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = dict(end=max_iters, milestones=[int(max_iters * 0.9)])
default_hooks = dict(checkpoint=dict(interval=5000))
auto_scale_lr = dict(enable=False, base_batch_size=16)
