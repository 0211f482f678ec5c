# Stage 4 as the authors ran it for the IN-21K model: the IN-1K recipe over
# the 21,843 ImageNet-21K classes (K=8: 174,745 class outputs; classes the
# authors filter out simply get no labels), batch 256 (32 GPUs x 8), lr 1e-4,
# 120k iterations, from the 21K stage-2 model.
#   srun ... python tools/train.py CONFIG --launcher slurm
_base_ = ['./partdistill_mask2former_swin-l-p4-w12-384-in21k_8xb4-90k_in1k.py']

load_from = 'work_dirs/part_proposals_in21k/iter_50000.pth'
ranked_parts_root = 'work_dirs/part_proposals_in21k/part_ranking/labels/train/'
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        # folders of files (the stage-2 config's PartRankingHook images_per_file)
        ann_file=ranked_parts_root + 'annotations/ranked_parts',
        objects_file=ranked_parts_root + 'annotations/objects',
        data_prefix=dict(img='data/imagenet21k/images/')))

iters_per_round = 120000
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = dict(end=iters_per_round, milestones=[int(iters_per_round * 0.9)])
train_cfg = dict(iters_per_round=iters_per_round)
auto_scale_lr = dict(enable=False, base_batch_size=256)
