"""Stage 0 for ImageNet-style data: one object mask per image, from an MMDetection model.

    python tools/label_objects.py ROOT CONFIG CHECKPOINT --out OUT [--split train]
        [--class-names LOC_synset_mapping.txt] [--exclude-classes no_object.txt]
        [--prompt 'a {}.'] [--class-map map.json] [--score-thr 0.3] [--cfg-options ...]

ROOT holds one folder of images per class (ImageNet-1K / 21K layout). Each
image gets the top-scoring mask of its own class from the model: by class
name for a closed-vocabulary model (or through --class-map), by asking for
that class alone (--prompt) for an open-vocabulary one. Images without such a
mask are skipped and counted by reason. Work goes to OUT/object_shards/SPLIT
in resumable shards (rerun to resume); the objects file
OUT/annotations/objects_SPLIT.json (docs/formats.md, file names relative to
ROOT) is written once all shards exist. Several processes:

    python -m torch.distributed.run --nproc_per_node 8 tools/label_objects.py ... \\
        --launcher pytorch
"""
import argparse
import json
import os.path as osp

import torch
from mmengine.config import DictAction
from mmengine.dist import barrier, get_dist_info, init_dist
from mmengine.logging import MMLogger
from mmengine.utils import mkdir_or_exist

from mmpartdistill.apis.object_labeller import ObjectLabeller
from mmpartdistill.datasets import AnnotationFormatError
from mmpartdistill.datasets.converters import merge_object_shards
from mmpartdistill.datasets.image_folder import (image_folder_classes, image_folder_records,
                                                 read_class_ids, read_class_names)
from mmpartdistill.utils import atomic_write_json


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('root', help='image folder: ROOT/<class id>/<image>')
    parser.add_argument('config', help='MMDetection model config')
    parser.add_argument('checkpoint', help='its weights')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--split', default='train', help='name of the objects file\'s split')
    parser.add_argument(
        '--class-names', help='lines "<class id> <name>[, ...]" (default: folder names)')
    parser.add_argument(
        '--exclude-classes', help='class ids to leave out, one per line (no clear object)')
    parser.add_argument(
        '--prompt', help='open-vocabulary prompt with {} for the class name, e.g. "a {}."')
    parser.add_argument('--class-map', help='JSON: class name -> model class name')
    parser.add_argument('--score-thr', type=float, default=0.3)
    parser.add_argument(
        '--box-masks', action='store_true', help='take boxes as masks (box-only models)')
    parser.add_argument('--shard-size', type=int, default=1000, help='images per shard')
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='overrides of the model config')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    device = args.device
    if args.launcher != 'none':
        init_dist(args.launcher)
        if device == 'cuda':
            device = f'cuda:{torch.cuda.current_device()}'
    shard_dir = osp.join(args.out, 'object_shards', args.split)
    mkdir_or_exist(shard_dir)
    logger = MMLogger.get_instance(
        'label_objects', log_file=osp.join(shard_dir, 'label_objects.log'))
    names = read_class_names(args.class_names) if args.class_names else None
    exclude = read_class_ids(args.exclude_classes) if args.exclude_classes else ()
    classes = image_folder_classes(args.root, names, exclude)
    records = image_folder_records(args.root, classes)
    logger.info(f'{args.root}: {len(records)} images of {len(classes)} classes '
                f'({len(exclude)} classes excluded)')
    class_map = None
    if args.class_map:
        with open(args.class_map) as f:
            class_map = json.load(f)
    labeller = ObjectLabeller(args.config, args.checkpoint, device, args.prompt, class_map,
                              args.score_thr, args.box_masks, args.cfg_options)
    shards = labeller.label(args.root, classes, records, shard_dir, args.shard_size,
                            args.batch_size)
    barrier()
    if get_dist_info()[0] != 0:
        return
    objects, summary = merge_object_shards(shards, classes, records, args.split)
    out_file = osp.join(args.out, 'annotations', f'objects_{args.split}.json')
    atomic_write_json(objects, out_file)
    logger.info('\n'.join([f'wrote {out_file}'] + summary.lines()))


if __name__ == '__main__':
    try:
        main()
    except (AnnotationFormatError, ValueError, FileNotFoundError) as e:
        raise SystemExit(f'error: {e}') from None
