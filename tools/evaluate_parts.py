"""Score a part prediction file (docs/formats.md) against ground-truth parts."""
import argparse
import json

from mmpartdistill.datasets import AnnotationFormatError, ObjectsFile, PartsFile
from mmpartdistill.datasets import load_predictions
from mmpartdistill.evaluation import evaluate_part_predictions
from mmpartdistill.utils import atomic_write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--parts', required=True, help='ground-truth parts file')
    parser.add_argument('--objects', required=True, help='objects file of the same split')
    parser.add_argument('--pred', required=True, help='part prediction file')
    parser.add_argument('--iou-drop', type=float, default=0.1)
    parser.add_argument('--out', help='also write the scores to this JSON file')
    args = parser.parse_args()
    objects = ObjectsFile.load(args.objects)
    parts = PartsFile.load(args.parts, objects)
    result = evaluate_part_predictions(parts, load_predictions(args.pred, objects), args.iou_drop)
    names = {c: cat['name'] for c, cat in objects.categories.items()}
    for mapping, scores in result['part_miou'].items():
        scores['per_class_mIoU'] = {names[c]: v for c, v in scores['per_class_mIoU'].items()}
        scores['per_part_IoU'] = {
            parts.categories[p]['name']: v
            for p, v in scores['per_part_IoU'].items()
        }
    print(json.dumps(result, indent=1))
    if args.out:
        atomic_write_json(result, args.out)


if __name__ == '__main__':
    try:
        main()
    except AnnotationFormatError as e:
        raise SystemExit(f'error: {e}') from None
