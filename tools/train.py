"""Train a model from a config, as MMDetection's tools/train.py does."""
import argparse

from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from mmpartdistill.apis.runner_cli import add_runner_arguments, load_config


def main() -> None:
    parser = argparse.ArgumentParser(description='Train an mmpartdistill model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument('--amp', action='store_true', help='enable automatic mixed precision')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from a checkpoint, or from the latest one in work_dir '
        'when no path is given')
    add_runner_arguments(parser)
    args = parser.parse_args()
    cfg = load_config(args, args.work_dir)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.loss_scale = 'dynamic'
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
    runner.train()


if __name__ == '__main__':
    main()
