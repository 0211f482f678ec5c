"""More self-training rounds on a finished pipeline run, each round scored on its val split.

    python tools/continue_self_training.py PIPELINE_CONFIG --work-dir W --rounds 3 \\
        [--cfg-options data_root=D]

Stage 4 of W resumes from its last checkpoint in W/<stage 4>_rounds<R>/ (W's
own stage is left as it is), self-trains until round R (each later round
relabels the train split with the model's own parts first), and scores its
val predictions after every round. Table: W/<stage 4>_rounds<R>/rounds.md.
"""
import argparse
import copy
import json
import os
import os.path as osp
import shutil

from mmengine.config import Config, DictAction

from mmpartdistill.apis import PartDistillationPipeline
from mmpartdistill.utils import atomic_writer, markdown_table

COLUMNS = ('C-mIoU (H)', 'C-mIoU (maj)', 'A-mIoU (H)', 'A-mIoU (maj)')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='the pipeline config of the run')
    parser.add_argument('--work-dir', required=True, help='the finished run')
    parser.add_argument('--rounds', type=int, required=True, help='rounds in all')
    parser.add_argument('--stage', default='stage4_partdistill', help='the self-training stage')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args()
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options or {})
    cfg.update(work_dir=args.work_dir, resume=True)
    pipeline = PartDistillationPipeline.from_cfg(cfg)
    stages = {stage['name']: stage for stage in cfg.stages}
    values = pipeline.finished_values()
    done = osp.join(args.work_dir, args.stage)
    out = f'{done}_rounds{args.rounds}'
    os.makedirs(out, exist_ok=True)
    if not osp.exists(osp.join(out, 'last_checkpoint')):
        shutil.copy(values[args.stage].checkpoint, out)
        with atomic_writer(osp.join(out, 'last_checkpoint')) as f:
            f.write(osp.join(out, osp.basename(values[args.stage].checkpoint)))
    done_rounds = pipeline.stage_config(stages[args.stage], done, values).train_cfg.rounds
    if args.rounds <= done_rounds:
        raise SystemExit(f'error: {done} has {done_rounds} rounds; ask for more than that')
    stage = copy.deepcopy(stages[args.stage])
    stage['cfg_options'].update({'train_cfg.rounds': args.rounds})
    stage['predict'] = osp.join(out, 'predictions/val_parts.json')
    # every round's predictions are scored: a round's checkpoint predicts after training
    with open(pipeline.marker(args.stage)) as f:
        rows = {f'round {done_rounds}': next(iter(json.load(f)['rows'].values()))}
    pipeline.run_stage(stage, out, values)
    predict_cfg = pipeline.stage_config(stage, out, values)
    per_round = predict_cfg.train_cfg.iters_per_round
    for checkpoint in sorted(
            f for f in os.listdir(out) if f.startswith('iter_') and f.endswith('.pth')):
        r = int(checkpoint[5:-4]) // per_round
        if r <= done_rounds:
            continue
        path = osp.join(out, f'predictions/round_{r}/val_parts.json')
        if not osp.exists(path):
            pipeline.predict(predict_cfg, osp.join(out, checkpoint), path)
        rows[f'round {r}'] = pipeline.score_rows(dict(rows={'r': path}), values)['r']
    rows = dict(sorted(rows.items(), key=lambda item: int(item[0].split()[1])))
    lines = markdown_table(['self-training', *COLUMNS],
                           ([r, *(f'{s[c]:.1f}' for c in COLUMNS)] for r, s in rows.items()))
    with atomic_writer(osp.join(out, 'rounds.md')) as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
