"""Run by test_distributed_pipeline.py: in one process, rerun the stages of a
finished pipeline run that do not train (stage 1, stage 3, stage 4's
predictions) from that run's own checkpoints, into another folder.

    python replay_stages.py PIPELINE_CONFIG DATA_ROOT RUN_DIR OUT_DIR
"""
import json
import os.path as osp
import sys
from types import SimpleNamespace

from mmdet.registry import HOOKS
from mmengine.config import Config
from mmengine.runner import Runner

from mmpartdistill.apis import PartDistillationPipeline

config, data_root, run_dir, out_dir = sys.argv[1:5]
cfg = Config.fromfile(config)
cfg.update(data_root=data_root, work_dir=out_dir)
pipeline = PartDistillationPipeline.from_cfg(cfg)
stages = {stage['name']: stage for stage in cfg.stages}
values = dict(data_root=data_root, work_dir=out_dir)
for name in stages:
    with open(osp.join(run_dir, name, 'stage.json')) as f:
        checkpoint = json.load(f)['checkpoint']
    values[name] = SimpleNamespace(dir=osp.join(run_dir, name), checkpoint=checkpoint)

values['self'] = SimpleNamespace(dir=osp.join(out_dir, 'stage1_pseudo_parts'), checkpoint=None)
pipeline.run_stage(stages['stage1_pseudo_parts'], values['self'].dir, values)

ranking = pipeline.stage_config(stages['stage2_part_proposals'],
                                osp.join(out_dir, 'stage2_part_proposals'), values)
(hook, ) = ranking.custom_hooks
ranking.custom_hooks = []
runner = Runner.from_cfg(ranking)
runner.load_checkpoint(values['stage2_part_proposals'].checkpoint)
HOOKS.build(hook).rank(runner, osp.join(out_dir, 'stage2_part_proposals/part_ranking'))

stage4 = stages['stage4_partdistill']
predicting = pipeline.stage_config(stage4, osp.join(out_dir, 'stage4_partdistill'), values)
pipeline.predict(predicting, values['stage4_partdistill'].checkpoint,
                 osp.join(out_dir, 'predictions/val_parts.json'))
