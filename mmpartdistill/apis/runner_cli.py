"""Arguments and config loading shared by the runner-based command-line tools."""
import argparse
import os
import os.path as osp
from typing import Optional

from mmengine.config import Config, DictAction

from ..engine.data_classes import fill_data_classes
from ..utils.process_group import join_process_group


def add_runner_arguments(parser: argparse.ArgumentParser) -> None:
    """--cfg-options, --launcher and --local_rank, as MMDetection's tools take them."""
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, xxx=yyy format')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(args: argparse.Namespace,
                work_dir: Optional[str] = None,
                checkpoint: Optional[str] = None) -> Config:
    """The config of ``args.config`` with the launcher, overrides, work_dir and
    ``checkpoint`` (as ``load_from``) applied, and the model's class counts
    filled from its data (:func:`fill_data_classes`; a given checkpoint's
    classes come first, since its weights are the ones run). With a
    launcher the process joins its process group here
    (:func:`join_process_group`).

    ``work_dir`` defaults to the config's own, else ``./work_dirs/<config name>``.
    """
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if checkpoint is not None:
        cfg.load_from = checkpoint
    fill_data_classes(cfg, prefer_checkpoint=checkpoint is not None)
    wrap_for_any_device(cfg)
    join_process_group(cfg.launcher, cfg.get('env_cfg', {}).get('dist_cfg'))
    return cfg


def wrap_for_any_device(cfg: Config) -> None:
    """Distributed runs wrap the model in :class:`AnyDeviceDistributedDataParallel`
    (GPU or CPU ranks) unless the config names a ``model_wrapper_cfg``."""
    if cfg.get('launcher', 'none') != 'none' and cfg.get('model_wrapper_cfg') is None:
        cfg.model_wrapper_cfg = dict(
            type='AnyDeviceDistributedDataParallel',
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))


def add_prediction_dump(cfg: Config, out_file: str) -> None:
    """Add a DumpPartPredictions writing ``out_file`` to the config's test evaluators."""
    evaluators = cfg.test_evaluator
    evaluators = list(evaluators) if isinstance(evaluators, (list, tuple)) else [evaluators]
    dataset = cfg.test_dataloader.dataset
    evaluators.append(
        dict(
            type='DumpPartPredictions',
            out_file=out_file,
            objects_file=osp.join(dataset.get('data_root') or '', dataset.ann_file)))
    cfg.test_evaluator = evaluators


def trigger_visualization_hook(cfg: Config, show: bool, show_dir: Optional[str],
                               wait_time: float) -> None:
    """Make the config's ``DetVisualizationHook`` draw the test predictions."""
    hook = cfg.get('default_hooks', {}).get('visualization')
    if hook is None:
        raise ValueError('--show/--show-dir need a visualization hook in the config\'s '
                         "default_hooks (dict(type='DetVisualizationHook'))")
    hook.update(draw=True, show=show, wait_time=wait_time)
    if show_dir:
        hook.test_out_dir = show_dir
