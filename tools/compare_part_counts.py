"""Stage 3 (and stage 4) of a finished pipeline run again with other part counts.

    python tools/compare_part_counts.py PIPELINE_CONFIG --work-dir W \\
        --variant k4 num_clusters=4 'part_count="fixed"' \\
        --variant k8 num_clusters=8 'part_count="fixed"' \\
        --variant per_object num_clusters=8 'part_count="per_object"' \\
        [--stage4 k4 k8 per_object] [--cfg-options data_root=D]

Settings are KEY=VALUE with JSON values (strings quoted; None for None).

Each variant ranks the run's stage-2 proposals (copied from W, not
recomputed) with its PartRankingHook settings into W/part_counts/<variant>/,
and its ranked parts of the pipeline's val split are scored; the variants
named by --stage4 also train stage 4 on their ranked parts and score its
predictions. Tables: W/part_counts/summary.{json,md}; W/part_counts/rows.json
has the rows as a pipeline summary has them, for tools/run_seeds.py.
"""
import argparse
import copy
import json
import os.path as osp

import numpy as np
from mmengine.config import Config, DictAction

from mmpartdistill.apis import PartDistillationPipeline
from mmpartdistill.utils import atomic_write_json, atomic_writer, markdown_table

COLUMNS = ('C-mIoU (H)', 'C-mIoU (maj)', 'A-mIoU (H)', 'A-mIoU (maj)')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='the pipeline config of the run')
    parser.add_argument('--work-dir', required=True, help='the finished run')
    parser.add_argument(
        '--variant',
        nargs='+',
        action='append',
        required=True,
        metavar=('NAME', 'KEY=VALUE'),
        help='a name and PartRankingHook settings')
    parser.add_argument('--stage4', nargs='*', default=[], help='variants to train stage 4 on')
    parser.add_argument('--ranking-stage', default='stage2_part_proposals')
    parser.add_argument('--stage4-stage', default='stage4_partdistill')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def setting(text: str):
    key, _, value = text.partition('=')
    return key, None if value == 'None' else json.loads(value)


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options or {})
    cfg.work_dir = args.work_dir
    pipeline = PartDistillationPipeline.from_cfg(cfg)
    stages = {stage['name']: stage for stage in cfg.stages}
    values = pipeline.finished_values()
    root = osp.join(args.work_dir, 'part_counts')
    table = {}
    for name, *settings in args.variant:
        out = osp.join(root, name)
        ranking = osp.join(out, 'part_ranking')
        pipeline.rank_again(
            dict(name=name, source=args.ranking_stage, ranking=dict(setting(s) for s in settings)),
            out, values)
        clustered = np.load(osp.join(ranking, 'centroids.npz'))
        counts = {
            int(c): int((~np.isnan(cents).any(1)).sum())
            for c, cents in zip(clustered['class_ids'], clustered['centroids'])
        }
        rows = {'stage 3': osp.join(ranking, 'labels/val/ranked_parts_predictions.json')}
        if name in args.stage4:
            labels = osp.join(ranking, 'labels/train/annotations')
            stage = copy.deepcopy(stages[args.stage4_stage])
            stage['cfg_options'].update({
                'train_dataloader.dataset.ann_file':
                osp.join(labels, 'ranked_parts.json'),
                'train_dataloader.dataset.objects_file':
                osp.join(labels, 'objects.json'),
            })
            stage['predict'] = osp.join(out, 'stage4/predictions/val_parts.json')
            if not osp.exists(stage['predict']):
                pipeline.run_stage(stage, osp.join(out, 'stage4'), values)
            rows['stage 4'] = stage['predict']
        scores = pipeline.score_rows(dict(rows=rows), values)
        table[name] = dict(
            settings=dict(setting(s) for s in settings),
            parts_per_class=counts,
            **scores)
        pipeline.logger.info(f'{name}: {json.dumps(table[name])}')
    write_tables(table, root)


def write_tables(table: dict, root: str) -> None:
    atomic_write_json(table, osp.join(root, 'summary.json'))
    atomic_write_json({
        f'{name}: {stage}': scores
        for name, row in table.items() for stage, scores in row.items()
        if stage.startswith('stage ')
    }, osp.join(root, 'rows.json'))
    cells = [(s, c) for s in ('stage 3', 'stage 4') for c in COLUMNS[:2]]
    lines = markdown_table(['variant', 'parts per class', *(f'{s} {c}' for s, c in cells)],
                           ([name, str(row['parts_per_class']),
                             *(f'{row[s][c]:.1f}' if s in row else '' for s, c in cells)]
                            for name, row in table.items()))
    with atomic_writer(osp.join(root, 'summary.md')) as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
