"""Draw part overlays (object outline, parts coloured by part id) from a prediction file.

With ``--proposals N`` each object gets a row of its top-N proposals instead,
one panel each, for overlapping part proposals (stage 2).
"""
import argparse

from mmpartdistill.datasets import AnnotationFormatError, ObjectsFile
from mmpartdistill.datasets import load_predictions
from mmpartdistill.visualization import write_part_overlays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--pred', required=True, help='part prediction file')
    parser.add_argument('--objects', required=True, help='objects file the predictions refer to')
    parser.add_argument('--img-dir', required=True, help='folder of the images')
    parser.add_argument('--out', required=True, help='output folder for PNG overlays')
    parser.add_argument('--max-images', type=int, default=12)
    parser.add_argument(
        '--proposals',
        type=int,
        default=0,
        metavar='N',
        help='draw each object\'s top-N proposals in panels')
    args = parser.parse_args()
    objects = ObjectsFile.load(args.objects)
    drawn = write_part_overlays(objects, load_predictions(args.pred, objects), args.img_dir,
                                args.out, args.max_images, args.proposals)
    print(f'{drawn} overlays written to {args.out}')


if __name__ == '__main__':
    try:
        main()
    except (AnnotationFormatError, FileNotFoundError) as e:
        raise SystemExit(f'error: {e}') from None
