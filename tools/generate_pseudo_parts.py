"""Stage 1: write class-agnostic pseudo parts for a dataset split (PseudoPartLoop).

    python tools/generate_pseudo_parts.py CONFIG --out DIR [--checkpoint CKPT]

Output (docs/formats.md): DIR/annotations/objects.json, DIR/annotations/pseudo_parts.json
and DIR/pseudo_parts_predictions.json; DIR/shards/ holds the resumable shards.
Run again to resume; several processes with --launcher pytorch|slurm.
"""
import argparse
import os

from mmengine.config import Config, DictAction
from mmengine.runner import Runner


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--checkpoint', help='instance model weights (default: load_from)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, xxx=yyy format')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if cfg.test_cfg.get('type') != 'PseudoPartLoop':
        raise SystemExit(f'{args.config}: test_cfg must be a PseudoPartLoop, got '
                         f'{cfg.test_cfg.get("type")}')
    cfg.test_cfg.out_dir = args.out
    cfg.work_dir = os.path.join(args.out, 'logs')
    if args.checkpoint is not None:
        cfg.load_from = args.checkpoint
    Runner.from_cfg(cfg).test()


if __name__ == '__main__':
    main()
