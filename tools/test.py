"""Evaluate a model from a config, as MMDetection's tools/test.py does.

The scores also go to ``WORK_DIR/metrics.json``. ``--out preds.json``
writes the part predictions in the prediction format of docs/formats.md, to
be scored by tools/evaluate_parts.py or drawn by tools/draw_parts.py.
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, ConfigDict, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from mmpartdistill.utils import atomic_write_json


def parse_args() -> argparse.Namespace:
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
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, xxx=yyy format')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    if args.out is not None and not args.out.endswith('.json'):
        parser.error(f'--out must name a .json file, got {args.out}')
    return args


def dataset_objects_file(dataset: ConfigDict) -> str:
    return osp.join(dataset.get('data_root', ''), dataset.ann_file)


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    if args.out is not None:
        evaluators = cfg.test_evaluator
        evaluators = list(evaluators) if isinstance(evaluators, (list, tuple)) else [evaluators]
        evaluators.append(
            dict(
                type='DumpPartPredictions',
                out_file=args.out,
                objects_file=dataset_objects_file(cfg.test_dataloader.dataset)))
        cfg.test_evaluator = evaluators
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
    metrics = runner.test()
    if runner.rank == 0:
        atomic_write_json(metrics, osp.join(cfg.work_dir, 'metrics.json'))


if __name__ == '__main__':
    main()
