"""How pure a run's segments are against the ground-truth parts, per class.

    python tools/part_purity.py SOURCE --objects OBJECTS.json --parts PARTS.json [--split train] \\
        [--out P.json]

Evaluation only: it reads part labels. SOURCE is either

- a stage-3 folder (W/stage2_part_proposals/part_ranking): the proposals it
  kept from --split (its own top, keep_area and keep_score, from its
  manifest.json), with their cluster agreement: how often the pure ones of
  one part take the same cluster; or
- a parts file (stage-1 pseudo parts, stage-3 ranked parts, predictions):
  every segment in it.

Per class it prints the segments' count, purity (share of a segment's pixels
in its most common part, pixel-weighted) and the fraction purer than 0.8.
Low purity means segments that span parts (stages 1-2); low agreement, that
the clusters split or merge clean proposals (stage 3).
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
from mmpartdistill.evaluation.functional.part_purity import segment_purity
from mmpartdistill.utils import atomic_write_json, markdown_table


def ranking_purity(folder: str, split: str, truth: PartsFile) -> dict:
    manifest = osp.join(folder, 'manifest.json')
    shards = sorted(glob.glob(osp.join(folder, 'proposals', split, 'shard_*.pt')))
    if not osp.isfile(manifest) or not shards:
        raise SystemExit(f'error: {folder} holds no finished stage-3 run of split {split!r} '
                         f'(needs manifest.json and proposals/{split}/)')
    with open(manifest) as f:
        settings = json.load(f)
    return proposal_purity((read_proposal_shard(p) for p in shards), truth,
                           PartRanker(folder).load_centroids(), settings['top'],
                           settings['keep_area'], settings['keep_score'],
                           layout_weight=settings.get('layout_weight', 0.0))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('source', help="a PartRanker's output folder, or a parts file")
    parser.add_argument('--objects', required=True, help="the split's objects file")
    parser.add_argument('--parts', required=True, help="the split's ground-truth parts file")
    parser.add_argument('--split', default='train', help="a ranking folder's split")
    parser.add_argument('--out', help='write the figures as JSON here')
    args = parser.parse_args()
    try:
        objects = ObjectsFile.load(args.objects)
        truth = PartsFile.load(args.parts, objects)
        if osp.isdir(args.source) and osp.exists(osp.join(args.source, 'proposals')):
            figures = ranking_purity(args.source, args.split, truth)
        else:
            figures = segment_purity(PartsFile.load(args.source, objects), truth)
    except AnnotationFormatError as e:
        raise SystemExit(f'error: {e}') from None
    names = {c: cat['name'] for c, cat in objects.categories.items()}
    keys = [k for k in ('purity', 'pure', 'agreement') if all(k in f for f in figures.values())]
    header = {'purity': 'purity (%)', 'pure': 'purer than 0.8 (%)',
              'agreement': 'cluster agreement (%)'}
    rows = [[names[c], str(f['kept']), *(f'{100 * f[k]:.1f}' for k in keys)]
            for c, f in sorted(figures.items(), key=lambda item: names[item[0]])]
    print('\n'.join(markdown_table(['class', 'segments', *(header[k] for k in keys)], rows)))
    if args.out:
        atomic_write_json({names[c]: f for c, f in figures.items()}, args.out)


if __name__ == '__main__':
    main()
