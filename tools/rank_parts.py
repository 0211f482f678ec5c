"""Stage 3 alone: rank a part-proposal model's parts into class-specific part labels.

    python tools/rank_parts.py CONFIG --checkpoint CKPT [--out DIR]

CONFIG is a part-proposal config with a PartRankingHook in custom_hooks
(its datasets and thresholds are used). Output (docs/formats.md), per split:
DIR/labels/<split>/annotations/{objects,ranked_parts}.json and
ranked_parts_predictions.json; DIR/proposals, DIR/features and
DIR/centroids.npz make a rerun resume. Several processes with --launcher.
"""
import argparse
import os.path as osp

from mmdet.registry import HOOKS
from mmengine.runner import Runner

from mmpartdistill.apis.runner_cli import add_runner_arguments, load_config


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--checkpoint', required=True, help='part-proposal model weights')
    parser.add_argument('--out', help='output folder (default: the hook\'s, under work_dir)')
    add_runner_arguments(parser)
    args = parser.parse_args()
    cfg = load_config(args, osp.join(args.out, 'logs') if args.out else None)
    hooks = [h for h in cfg.get('custom_hooks', []) if h.get('type') == 'PartRankingHook']
    if not hooks:
        raise SystemExit(f'{args.config}: custom_hooks has no PartRankingHook to take the '
                         'ranking settings from')
    cfg.custom_hooks = [h for h in cfg.custom_hooks if h.get('type') != 'PartRankingHook']
    runner = Runner.from_cfg(cfg)
    runner.load_checkpoint(args.checkpoint)
    HOOKS.build(hooks[0]).rank(runner, args.out)


if __name__ == '__main__':
    main()
