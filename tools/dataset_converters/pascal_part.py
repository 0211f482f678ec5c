"""Convert Pascal-Part to the objects + parts format (docs/formats.md).

Reads Annotations_Part/<image>.mat (the Pascal-Part release) for the images
listed in a split file (one VOC image name per line, e.g. VOC2012's
ImageSets/Main/val.txt) and the VOC2012 JPEGImages folder. Writes
OUT/annotations/objects_<name>.json and parts_<name>.json, with file names
relative to JPEGImages/, and prints what it wrote and every skipped record.
--part-map takes a JSON {class: {fine part: merged part}} to merge parts.

    python tools/dataset_converters/pascal_part.py --parts data/pascal_part/Annotations_Part \\
        --images data/VOCdevkit/VOC2012/JPEGImages --split-file val.txt --name val \\
        --out data/pascal_part
"""
import argparse
import json
import os.path as osp

from mmpartdistill.datasets.converters import ConversionError, convert_pascal_part
from mmpartdistill.utils import atomic_write_json


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--parts', required=True, help='Annotations_Part folder of .mat files')
    parser.add_argument('--images', required=True, help='VOC2012 JPEGImages folder')
    parser.add_argument('--split-file', required=True, help='image names, one per line')
    parser.add_argument('--name', required=True, help='output split name, e.g. val')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--part-map', help='JSON {class: {fine part: merged part}}')
    args = parser.parse_args()
    with open(args.split_file) as f:
        names = [line.split()[0] for line in f if line.strip()]
    part_map = None
    if args.part_map:
        with open(args.part_map) as f:
            part_map = json.load(f)
    objects, parts, summary = convert_pascal_part(args.parts, args.images, names, args.name,
                                                  part_map)
    atomic_write_json(objects, osp.join(args.out, 'annotations', f'objects_{args.name}.json'))
    atomic_write_json(parts, osp.join(args.out, 'annotations', f'parts_{args.name}.json'))
    print('\n'.join(summary.lines()))


if __name__ == '__main__':
    try:
        main()
    except ConversionError as e:
        raise SystemExit(f'error: {e}') from None
