"""A static HTML part gallery for manual evaluation of discovered parts.

    python tools/part_gallery.py --pred PARTS_OR_PREDICTIONS --objects OBJECTS.json \\
        --img-dir IMAGES --out DIR [--per-part 8] [--classes-per-page 200]

--pred takes a part predictions file (tools/test.py --out, stage outputs), a
parts file (pseudo, ranked or ground-truth parts), or a folder of either's
shards. Open DIR/index.html in a browser; each class page's form saves the
reader's ratings as a JSON file for tools/manual_eval_summary.py.
"""
import argparse

from mmpartdistill.datasets import AnnotationFormatError, ObjectsFile
from mmpartdistill.visualization import read_gallery_parts, write_part_gallery


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--pred', required=True, help='parts or predictions file, or folder')
    parser.add_argument('--objects', required=True, help='the objects file they refer to')
    parser.add_argument('--img-dir', required=True, help='folder of the objects file\'s images')
    parser.add_argument('--out', required=True, help='output folder of the site')
    parser.add_argument('--per-part', type=int, default=8, help='examples per part cluster')
    parser.add_argument('--classes-per-page', type=int, default=200)
    parser.add_argument('--size', type=int, default=96, help='longest side of an example, px')
    parser.add_argument('--title', default='Discovered parts')
    args = parser.parse_args()
    if args.per_part < 1 or args.classes_per_page < 1 or args.size < 8:
        raise SystemExit('error: --per-part and --classes-per-page must be >= 1, --size >= 8')
    try:
        objects = ObjectsFile.load(args.objects)
        parts = read_gallery_parts(args.pred, objects)
    except AnnotationFormatError as e:
        raise SystemExit(f'error: {e}') from None
    summary = write_part_gallery(objects, parts, args.img_dir, args.out, args.per_part,
                                 args.classes_per_page, args.size, args.title)
    print(f'{args.out}/index.html: {summary["classes"]} classes, {summary["examples"]} examples '
          f'on {summary["index_pages"]} index pages')
    for reason, count in summary['skipped'].items():
        print(f'warning: {reason}: {count} left out, e.g. {summary["problems"][reason][0]}')
    if summary['empty_classes']:
        print(f'warning: no parts for {len(summary["empty_classes"])} classes: '
              + ', '.join(summary['empty_classes'][:10]))


if __name__ == '__main__':
    main()
