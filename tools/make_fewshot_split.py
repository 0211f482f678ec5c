"""Few-shot training splits, as the authors fine-tune: the first N% of the
images after a seed-1234 shuffle, for each N given.

Writes <objects stem>_<N>pct.json and <parts stem>_<N>pct.json beside the inputs.

    python tools/make_fewshot_split.py --objects data/cityscapes/annotations/objects_train.json \\
        --parts data/cityscapes/annotations/parts_train.json --percent 1 5 10 100
"""
import argparse
import os.path as osp

from mmpartdistill.datasets import AnnotationFormatError, ObjectsFile, PartsFile, fewshot_subset
from mmpartdistill.datasets.objects_file import read_coco_json
from mmpartdistill.utils import atomic_write_json


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--objects', required=True, help='objects file of the full split')
    parser.add_argument('--parts', required=True, help='its parts file')
    parser.add_argument('--percent', type=float, nargs='+', default=[1, 5, 10, 100])
    parser.add_argument('--seed', type=int, default=1234)
    args = parser.parse_args()
    PartsFile.load(args.parts, ObjectsFile.load(args.objects))  # checks both before cutting
    objects, parts = read_coco_json(args.objects), read_coco_json(args.parts)
    for percent in args.percent:
        sub_objects, sub_parts = fewshot_subset(objects, parts, percent, args.seed)
        tag = f'{percent:g}pct'
        for data, path in ((sub_objects, args.objects), (sub_parts, args.parts)):
            out = f'{osp.splitext(path)[0]}_{tag}.json'
            atomic_write_json(data, out)
        print(f'{tag}: {len(sub_objects["images"])} images, {len(sub_objects["annotations"])} '
              f'objects, {len(sub_parts["annotations"])} parts')


if __name__ == '__main__':
    try:
        main()
    except AnnotationFormatError as e:
        raise SystemExit(f'error: {e}') from None
