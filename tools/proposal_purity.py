"""How well a stage-3 run's kept proposals follow the ground-truth parts, per class.

    python tools/proposal_purity.py W/stage2_part_proposals/part_ranking \\
        --objects data/synthetic_parts/annotations/objects_train.json \\
        --parts data/synthetic_parts/annotations/parts_train.json [--split train] [--out P.json]

Evaluation only: it reads part labels. For the proposals stage 3 kept (the
run's own top, keep_area and keep_score, from its manifest.json) it prints per
class how many there are, their purity (share of a proposal's pixels in its
most common part, pixel-weighted), the fraction purer than 0.8, and how often
the pure ones of one part take the same cluster (agreement). Low purity means
the proposals span parts (stages 1-2); low agreement, that the clusters split
or merge clean proposals (stage 3).
"""
import argparse
import glob
import json
import os.path as osp

from mmpartdistill.datasets.objects_file import AnnotationFormatError, ObjectsFile
from mmpartdistill.datasets.parts_file import PartsFile
from mmpartdistill.engine.ranking import PartRanker
from mmpartdistill.engine.ranking.proposal_purity import proposal_purity
from mmpartdistill.engine.ranking.proposal_shards import read_proposal_shard
from mmpartdistill.utils import atomic_write_json, markdown_table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('ranking', help="a PartRanker's output folder (part_ranking/)")
    parser.add_argument('--objects', required=True, help="the split's objects file")
    parser.add_argument('--parts', required=True, help="the split's ground-truth parts file")
    parser.add_argument('--split', default='train', help='the proposals of this split')
    parser.add_argument('--out', help='write the figures as JSON here')
    args = parser.parse_args()
    manifest = osp.join(args.ranking, 'manifest.json')
    shards = sorted(glob.glob(osp.join(args.ranking, 'proposals', args.split, 'shard_*.pt')))
    if not osp.isfile(manifest) or not shards:
        raise SystemExit(f'error: {args.ranking} holds no finished stage-3 run of split '
                         f'{args.split!r} (needs manifest.json and proposals/{args.split}/)')
    with open(manifest) as f:
        settings = json.load(f)
    try:
        objects = ObjectsFile.load(args.objects)
        parts = PartsFile.load(args.parts, objects)
        centroids = PartRanker(args.ranking).load_centroids()
        figures = proposal_purity((read_proposal_shard(p) for p in shards), parts, centroids,
                                  settings['top'], settings['keep_area'], settings['keep_score'])
    except AnnotationFormatError as e:
        raise SystemExit(f'error: {e}') from None
    names = {c: cat['name'] for c, cat in objects.categories.items()}
    rows = [[
        names[c],
        str(f['kept']), *(f'{100 * f[key]:.1f}' for key in ('purity', 'pure', 'agreement'))
    ] for c, f in sorted(figures.items(), key=lambda item: names[item[0]])]
    print('\n'.join(markdown_table(
        [f'{args.split} split', 'kept proposals', 'purity (%)', 'purer than 0.8 (%)',
         'cluster agreement (%)'], rows)))
    if args.out:
        atomic_write_json({names[c]: f for c, f in figures.items()}, args.out)


if __name__ == '__main__':
    main()
