"""Convert PartImageNet to the objects + parts format (docs/formats.md).

Expects the released layout, ROOT/annotations/{train,val,test}.json and
ROOT/images/{train,val,test}/. Writes OUT/annotations/objects_<split>.json
and parts_<split>.json for train and for valtest (val and test merged, as the
authors evaluate), with file names relative to ROOT/images/. Prints what it
wrote and every skipped record, by reason.

    python tools/dataset_converters/partimagenet.py --root data/partimagenet
"""
import argparse
import os.path as osp

from mmpartdistill.datasets import AnnotationFormatError
from mmpartdistill.datasets.converters import ConversionError, convert_partimagenet
from mmpartdistill.utils import atomic_write_json

OUTPUTS = {'train': ('train', ), 'valtest': ('val', 'test')}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', required=True, help='PartImageNet folder')
    parser.add_argument('--out', help='output folder (default: ROOT)')
    parser.add_argument('--outputs', nargs='+', default=list(OUTPUTS), choices=list(OUTPUTS))
    args = parser.parse_args()
    out = args.out or args.root
    for name in args.outputs:
        splits = [(split, osp.join(args.root, 'annotations',
                                   f'{split}.json'), osp.join(args.root, 'images', split))
                  for split in OUTPUTS[name]]
        objects, parts, summary = convert_partimagenet(splits, name)
        atomic_write_json(objects, osp.join(out, 'annotations', f'objects_{name}.json'))
        atomic_write_json(parts, osp.join(out, 'annotations', f'parts_{name}.json'))
        print('\n'.join(summary.lines()))


if __name__ == '__main__':
    try:
        main()
    except (AnnotationFormatError, ConversionError) as e:
        raise SystemExit(f'error: {e}') from None
