"""Write a split as semantic part maps for MMSegmentation (label PNGs + split file).

Takes the objects file of a split with its parts: a converter's ground-truth
parts file, a stage's pseudo / ranked parts file, or a model's part
predictions (tools/test.py --out). Writes OUT/ann_dir/SPLIT/<image>.png (part
classes, ignore outside objects), OUT/obj_dir/SPLIT/<image>.png (object
classes, for evaluation with ground-truth objects), OUT/splits/SPLIT.txt and
OUT/part_maps.json (the label space; see docs/formats.md).

    # ground truth: one class per part category of each object class
    python tools/dataset_converters/semantic_part_maps.py --objects objects_val.json \\
        --parts parts_val.json --split val --out data/part_maps/gt
    # discovered parts: K classes per object class (c * K + part_id)
    python tools/dataset_converters/semantic_part_maps.py --objects objects_train.json \\
        --predictions train_parts.json --num-parts 4 --split train --out data/part_maps/distilled
"""
import argparse

from mmpartdistill.datasets import AnnotationFormatError, ObjectsFile, PartsFile
from mmpartdistill.datasets.converters import write_semantic_part_maps
from mmpartdistill.datasets import load_predictions


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--objects', required=True, help='the split\'s objects file')
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--parts', help='a parts file of these objects')
    source.add_argument('--predictions', help='a part prediction file of these objects')
    parser.add_argument('--split', required=True, help='split name (train, val, ...)')
    parser.add_argument('--out', required=True, help='the map folder')
    parser.add_argument(
        '--by',
        choices=['category', 'part_id'],
        help='label each part category (default for --parts), or part id k of class c as '
        'c * K + k (default for --predictions)')
    parser.add_argument('--num-parts', type=int, help='K, for --by part_id')
    args = parser.parse_args()
    by = args.by or ('category' if args.parts else 'part_id')
    if by == 'part_id' and args.num_parts is None:
        parser.error('--by part_id (the default with --predictions) needs --num-parts K')
    objects = ObjectsFile.load(args.objects)
    meta = write_semantic_part_maps(
        objects,
        args.out,
        args.split,
        by=by,
        parts=PartsFile.load(args.parts, objects) if args.parts else None,
        predictions=load_predictions(args.predictions, objects) if args.predictions else None,
        num_parts=args.num_parts)
    print(f'{meta["splits"][args.split]["images"]} images of split {args.split} written to '
          f'{args.out}: {len(meta["classes"])} part classes ({by}) of '
          f'{len(meta["object_classes"])} object classes, ignore index {meta["ignore_index"]}')


if __name__ == '__main__':
    try:
        main()
    except (AnnotationFormatError, ValueError) as e:
        raise SystemExit(f'error: {e}') from None
