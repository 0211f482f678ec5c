# The pipeline of make demo, then the supervised ceiling (evaluation only: it
# reads the train split's part labels) from the run's own stage-2 checkpoint:
#   python tools/train.py configs/partdistill/partdistill-pipeline-ceiling_mask2former_effnet-lite0_synthetic-parts.py --work-dir W [--resume]
# On a finished make demo work dir, --resume runs the ceiling alone.
_base_ = './partdistill-pipeline_mask2former_effnet-lite0_synthetic-parts.py'

ceiling = dict(
    name='ceiling_supervised',
    kind='train',
    config='supervised-ceiling_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py',
    cfg_options={
        'load_from': '{stage2_part_proposals.checkpoint}',
        'train_cfg.val_each_round': False,
    },
    predict='{self.dir}/predictions/val_parts.json',
    rows={'ceiling: ground-truth parts (reads part labels)': '{self.dir}/predictions/val_parts.json'})
evaluation_stages = [ceiling]
