# Evaluation-only reference, read beside the baselines: the supervised
# ceiling. Stage 4 exactly as the method runs it (architecture, stage-2
# checkpoint, schedule, seed), trained on the ground-truth parts of the train
# split instead of stage 3's ranked parts: class-specific, each class its
# true part count. It reads part labels, so no method setting is ever chosen
# from it; the pipeline configs whose names end in -ceiling / -oracle run it
# from each run's own stage-2 checkpoint.
_base_ = './partdistill_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py'

data_root = 'data/synthetic_parts/'
train_dataloader = dict(
    dataset=dict(
        ann_file=data_root + 'annotations/parts_train.json',
        objects_file=data_root + 'annotations/objects_train.json'))
