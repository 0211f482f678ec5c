# Few-shot part segmentation on Cityscapes-Panoptic-Parts at the size of this
# CPU: the tiny synthetic PartDistillation model (`make demo`'s stage 4, with
# its frozen ImageNet-trained EfficientNet-Lite0 backbone)
# fine-tuned on the ground-truth parts of the train split's first 100% (set
# the two train files to another make_fewshot_split.py output for 1, 5 or
# 10%); its classifier is re-initialised for Cityscapes' 5 classes x 5
# parts. Validation as the paper-scale few-shot configs: val with ground-truth
# objects, identity mapping (majority beside it).
_base_ = ['./partdistill_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py']
data_root = 'data/cityscapes/'
load_from = 'work_dirs/partdistill_tiny/stage4_partdistill/iter_500.pth'
train_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        ann_file='annotations/parts_train_100pct.json',
        objects_file='annotations/objects_train_100pct.json',
        data_prefix=dict(img='leftImg8bit/train/'),
        class_specific=True))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        ann_file='annotations/objects_val.json',
        data_prefix=dict(img='leftImg8bit/val/')))
test_dataloader = val_dataloader
val_evaluator = dict(
    objects_file=data_root + 'annotations/objects_val.json',
    parts_file=data_root + 'annotations/parts_val.json',
    mappings=('identity', 'majority'))
test_evaluator = val_evaluator
max_iters = 300
train_cfg = dict(
    _delete_=True, type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
param_scheduler = dict(
    type='MultiStepLR',
    begin=0,
    end=max_iters,
    by_epoch=False,
    milestones=[int(max_iters * 0.9)],
    gamma=0.1)
default_hooks = dict(checkpoint=dict(interval=max_iters))
