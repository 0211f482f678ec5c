"""MMEngine's loop and runner contracts kept by this project's loops and configs."""
import json
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import Runner

from mmpartdistill.engine import SelfTrainingLoop
from mmpartdistill.engine.data_classes import fill_data_classes

CONFIGS = Path(__file__).resolve().parents[2] / 'configs/partdistill'


class Batches(list):
    """A dataloader stand-in: batches, and the dataset the loop logs."""

    def __init__(self, n: int, ann_file: str) -> None:
        super().__init__(dict(index=i) for i in range(n))
        self.dataset = type('Dataset', (), {'ann_file': ann_file})()


class Model(torch.nn.Module):

    def __init__(self) -> None:
        super().__init__()
        self.modes = []

    def train_step(self, data, optim_wrapper):
        self.modes.append(self.training)
        return {}


class Runner_:
    """What SelfTrainingLoop reads of a Runner, with the hooks it fires recorded."""

    def __init__(self, tmp_path, stop_after=None) -> None:
        self.work_dir, self.model, self.optim_wrapper = str(tmp_path), Model(), None
        self.hooks, self.stop_after, self.loop = [], stop_after, None
        model = self.model
        self.val_loop = type('Val', (), {'run': lambda self: model.eval()})()

    def build_dataloader(self, cfg, seed=None):
        return Batches(2, cfg['dataset']['ann_file'])

    def call_hook(self, name, **kwargs):
        self.hooks.append(name)
        if name == 'after_train_iter' and kwargs['batch_idx'] + 1 == self.stop_after:
            self.loop.stop_training = True  # as EarlyStoppingHook does


def self_training(tmp_path, rounds=2, **runner):
    labels = tmp_path / 'ranked_parts.json'
    labels.write_text('{}')
    runner = Runner_(tmp_path, **runner)
    loop = SelfTrainingLoop(
        runner, dict(dataset=dict(ann_file=str(labels))), rounds=rounds, iters_per_round=3,
        label_dataset=dict(type='unused'))
    # a later round's labels come from the model's predictions; here, the same file
    loop.round_dataloader = lambda r: dict(dataset=dict(ann_file=str(labels)))
    runner.loop = loop
    return runner, loop


def test_self_training_trains_in_train_mode_after_each_validation(tmp_path):
    runner, loop = self_training(tmp_path)
    runner.model.eval()  # as a validation before training leaves it
    loop.run()
    assert runner.model.modes == [True] * 6
    assert loop.iter == 6
    assert runner.hooks.count('before_train_iter') == runner.hooks.count('after_train_iter') == 6
    assert runner.hooks[:2] == ['before_train', 'before_train_epoch']
    assert runner.hooks[-2:] == ['after_train_epoch', 'after_train']


def test_self_training_stops_when_a_hook_says_so(tmp_path):
    runner, loop = self_training(tmp_path, stop_after=4)
    loop.run()
    assert loop.iter == 4, 'stops after the iteration whose hook set stop_training'
    assert runner.hooks[-2:] == ['after_train_epoch', 'after_train']


@HOOKS.register_module()
class RecordTestHooks(Hook):
    """Counts the test hooks the runner fires."""
    fired: dict = {}

    def count(self, name: str) -> None:
        RecordTestHooks.fired[name] = RecordTestHooks.fired.get(name, 0) + 1

    def before_test(self, runner) -> None:
        self.count('before_test')

    def before_test_epoch(self, runner) -> None:
        self.count('before_test_epoch')

    def before_test_iter(self, runner, batch_idx, data_batch=None) -> None:
        self.count('before_test_iter')

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self.count('after_test_iter')

    def after_test_epoch(self, runner, metrics=None) -> None:
        self.count('after_test_epoch')
        RecordTestHooks.fired['metrics'] = metrics

    def after_test(self, runner) -> None:
        self.count('after_test')


def test_pseudo_part_loop_fires_the_test_hooks(workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(workspace)
    cfg = Config.fromfile(str(CONFIGS / 'pseudo-parts_mask2former_effnet-lite0_synthetic-parts.py'))
    cfg.merge_from_dict({
        'load_from': None, 'work_dir': str(tmp_path / 'work'),
        'test_cfg.out_dir': str(tmp_path / 'out'), 'test_cfg.shard_size': 4,
        'test_dataloader.dataset.ann_file': 'annotations/objects_val.json',
        'custom_hooks': [dict(type='RecordTestHooks')]})
    fill_data_classes(cfg)
    RecordTestHooks.fired.clear()
    Runner.from_cfg(cfg).test()
    fired = RecordTestHooks.fired
    assert fired['before_test'] == fired['before_test_epoch'] == 1
    assert fired['after_test_epoch'] == fired['after_test'] == 1
    assert fired['before_test_iter'] == fired['after_test_iter'] == 2  # 8 images, batches of 4
    assert fired['metrics']['images'] == 8


def test_each_runner_of_a_process_has_its_own_visualizer(synthetic_root, tmp_path, monkeypatch):
    """Two stages in one process, as the pipeline runs them: each draws and logs
    into its own work dir, with its own dataset meta."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'data').mkdir()
    (tmp_path / 'data/synthetic_parts').symlink_to(synthetic_root)
    visualizers = []
    for name in ('axis-bands-baseline_k4_synthetic-parts.py',
                 'color-kmeans-baseline_k4_synthetic-parts.py'):
        cfg = Config.fromfile(str(CONFIGS / name))
        cfg.work_dir = str(tmp_path / name)
        cfg.test_dataloader.num_workers = 0
        cfg.test_dataloader.persistent_workers = False
        runner = Runner.from_cfg(cfg)
        runner.test()
        runner.visualizer.add_scalars(dict(stage=len(visualizers)))  # as a training log does
        visualizers.append(runner.visualizer)
        [scalars] = Path(cfg.work_dir).glob('*/vis_data/scalars.json')
        assert json.loads(scalars.read_text()) == dict(stage=len(visualizers) - 1, step=0)
    assert visualizers[0] is not visualizers[1]


@pytest.mark.parametrize('name', [
    'mask2former_effnet-lite0_1xb4-1k_synthetic-objects.py',
    'partdistill_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py'
])
def test_templates_in_mmdetection_tools_say_which_tools_fill_the_counts(name, tmp_path):
    from mmdet.apis import init_detector
    with pytest.raises(ValueError, match=r"left None.*mmpartdistill's tools/train\.py"):
        init_detector(str(CONFIGS / name), device='cpu')
    cfg = Config.fromfile(str(CONFIGS / name))
    cfg.work_dir = str(tmp_path)  # as MMDetection's tools/train.py sets it
    with pytest.raises(ValueError, match=r"left None.*dumps its config with them filled"):
        Runner.from_cfg(cfg)
