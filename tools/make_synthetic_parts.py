"""Generate the synthetic part benchmark in the objects + parts format (docs/formats.md)."""
import argparse
import json

from mmpartdistill.datasets import make_synthetic_parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--num-images', type=int, default=400, help='images over both splits')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--image-size', type=int, default=128)
    parser.add_argument('--val-fraction', type=float, default=0.25)
    parser.add_argument(
        '--classes',
        nargs='+',
        help='object classes (default: all), each a class name or NEW=CLASS to draw '
        'CLASS under the name NEW, e.g. tower=lamp beast=quadruped')
    args = parser.parse_args()
    summary = make_synthetic_parts(args.out, args.num_images, args.seed, args.image_size,
                                   args.val_fraction, args.classes)
    print(json.dumps(summary, indent=1))


if __name__ == '__main__':
    main()
