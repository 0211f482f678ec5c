"""Evaluate a model from a config, as MMDetection's tools/test.py does.

The scores also go to ``WORK_DIR/metrics.json``. ``--out preds.json``
writes the part predictions in the prediction format of docs/formats.md, to
be scored by tools/evaluate_parts.py or drawn by tools/draw_parts.py.
"""
import argparse
import os.path as osp

from mmengine.dist import get_dist_info
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from mmpartdistill.apis.runner_cli import (add_prediction_dump, add_runner_arguments, load_config,
                                           trigger_visualization_hook)
from mmpartdistill.utils import atomic_write_json


def main() -> None:
    parser = argparse.ArgumentParser(description='Test an mmpartdistill model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument(
        'checkpoint',
        nargs='?',
        help='checkpoint file (none for training-free '
        'models such as the baselines)')
    parser.add_argument('--work-dir', help='the dir to save the evaluation logs')
    parser.add_argument('--out', help='write the part predictions to this .json file')
    parser.add_argument(
        '--show-dir',
        help='draw each image\'s objects beside their predicted parts into this folder '
        '(under the work dir\'s timestamped run folder)')
    parser.add_argument('--show', action='store_true', help='show the drawings in a window')
    parser.add_argument('--wait-time', type=float, default=2, help='seconds each is shown')
    add_runner_arguments(parser)
    args = parser.parse_args()
    if args.out is not None and not args.out.endswith('.json'):
        parser.error(f'--out must name a .json file, got {args.out}')
    cfg = load_config(args, args.work_dir, args.checkpoint)
    cfg.load_from = args.checkpoint
    if args.out is not None:
        add_prediction_dump(cfg, args.out)
    if args.show or args.show_dir:
        trigger_visualization_hook(cfg, args.show, args.show_dir, args.wait_time)
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
    metrics = runner.test()
    if get_dist_info()[0] == 0:
        atomic_write_json(metrics, osp.join(cfg.work_dir, 'metrics.json'))


if __name__ == '__main__':
    main()
