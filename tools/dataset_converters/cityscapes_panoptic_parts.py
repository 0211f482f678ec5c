"""Convert Cityscapes-Panoptic-Parts to the objects + parts format (docs/formats.md).

Reads ROOT/gtFinePanopticParts/<split>/<city>/*_gtFinePanopticParts.tif and
ROOT/leftImg8bit/<split>/<city>/*_leftImg8bit.png. Writes
ROOT/annotations/objects_<split>.json and parts_<split>.json, with file names
relative to ROOT/leftImg8bit/<split>/. Instances of person, rider, car, truck
and bus become objects and their labelled parts the parts. Prints what it
wrote and every skipped record.

    python tools/dataset_converters/cityscapes_panoptic_parts.py --root data/cityscapes --split val
"""
import argparse
import os.path as osp

from mmpartdistill.datasets.converters import ConversionError, convert_cityscapes_panoptic_parts
from mmpartdistill.utils import atomic_write_json


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', required=True, help='Cityscapes folder')
    parser.add_argument('--split', required=True, choices=['train', 'val'])
    parser.add_argument('--out', help='output folder (default: ROOT)')
    args = parser.parse_args()
    objects, parts, summary = convert_cityscapes_panoptic_parts(
        osp.join(args.root, 'gtFinePanopticParts', args.split),
        osp.join(args.root, 'leftImg8bit', args.split), args.split)
    out = args.out or args.root
    atomic_write_json(objects, osp.join(out, 'annotations', f'objects_{args.split}.json'))
    atomic_write_json(parts, osp.join(out, 'annotations', f'parts_{args.split}.json'))
    print('\n'.join(summary.lines()))


if __name__ == '__main__':
    try:
        main()
    except ConversionError as e:
        raise SystemExit(f'error: {e}') from None
