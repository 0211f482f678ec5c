"""Stage 1: write class-agnostic pseudo parts for a dataset split (PseudoPartLoop).

    python tools/generate_pseudo_parts.py CONFIG --out DIR [--checkpoint CKPT]

Output (docs/formats.md): DIR/annotations/objects.json, DIR/annotations/pseudo_parts.json
and DIR/pseudo_parts_predictions.json; DIR/shards/ holds the resumable shards.
Run again to resume; several processes with --launcher pytorch|slurm.
"""
import argparse
import os.path as osp

from mmengine.runner import Runner

from mmpartdistill.apis.runner_cli import add_runner_arguments, load_config


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--checkpoint', help='instance model weights (default: load_from)')
    add_runner_arguments(parser)
    args = parser.parse_args()
    cfg = load_config(args, osp.join(args.out, 'logs'), args.checkpoint)
    if cfg.test_cfg.get('type') != 'PseudoPartLoop':
        raise SystemExit(f'{args.config}: test_cfg must be a PseudoPartLoop, got '
                         f'{cfg.test_cfg.get("type")}')
    cfg.test_cfg.out_dir = args.out
    Runner.from_cfg(cfg).test()


if __name__ == '__main__':
    main()
