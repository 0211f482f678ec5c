"""Score a folder of part maps against ground-truth part maps with PartMapIoUMetric.

Both folders are written by tools/dataset_converters/semantic_part_maps.py
for the same split: the predictions by part id (for example a part model's
val predictions, tools/test.py --out), the ground truth by category. This
puts any part model's output on the scale of a segmentor trained on part
maps (tools/test.py on an MMSegmentation config).

    python tools/evaluate_part_maps.py --pred-maps W/maps/stage4 --gt-maps data/part_maps/gt \\
        --split val [--out scores.json]
"""
import argparse

import torch
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS, METRICS

from mmpartdistill.utils import atomic_write_json


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--pred-maps', required=True, help='map folder of the predictions')
    parser.add_argument('--gt-maps', required=True, help='map folder of the ground truth')
    parser.add_argument('--split', required=True)
    parser.add_argument('--out', help='write the scores to this .json file')
    args = parser.parse_args()
    init_default_scope('mmseg')

    def maps(root: str):
        return DATASETS.build(
            dict(
                type='PartMapsDataset',
                maps_root=root,
                split=args.split,
                img_dir='',
                pipeline=[dict(type='LoadAnnotations')]))

    truth, predicted = maps(args.gt_maps), maps(args.pred_maps)
    if len(truth) != len(predicted):
        raise SystemExit(f'error: {args.split} has {len(truth)} images in {args.gt_maps} but '
                         f'{len(predicted)} in {args.pred_maps}')
    metric = METRICS.build(dict(type='PartMapIoUMetric', part_maps=args.pred_maps))
    metric.dataset_meta = truth.metainfo
    for gt, pred in zip(truth, predicted):
        if gt['seg_map_path'].split('/')[-1] != pred['seg_map_path'].split('/')[-1]:
            raise SystemExit(f'error: {gt["seg_map_path"]} and {pred["seg_map_path"]} differ')
        metric.process({}, [
            dict(
                gt_sem_seg=dict(data=torch.from_numpy(gt['gt_seg_map'].astype('int64'))[None]),
                pred_sem_seg=dict(data=torch.from_numpy(pred['gt_seg_map'].astype('int64'))[None]))
        ])
    scores = metric.compute_metrics(metric.results)
    for key, value in scores.items():
        print(f'{key}: {value:.2f}')
    if args.out:
        atomic_write_json(scores, args.out)


if __name__ == '__main__':
    try:
        main()
    except (FileNotFoundError, ValueError) as e:
        raise SystemExit(f'error: {e}') from None
