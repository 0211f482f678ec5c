"""tools/train.py and `mim train` on the stage-0 config, and setup.py without torch."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = 'mask2former_effnet-lite0_1xb4-1k_synthetic-objects.py'
SHORT = [
    '--cfg-options', 'train_cfg.max_iters=3', 'train_cfg.val_interval=3',
    'default_hooks.logger.interval=1', 'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False', 'val_dataloader.num_workers=0',
    'val_dataloader.persistent_workers=False'
]


def run(cmd, cwd):
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, text=True, capture_output=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


@pytest.mark.slow
def test_train_tool_trains_and_validates_stage0(workspace):
    work = workspace / 'work'
    log = run([
        sys.executable, ROOT / 'tools/train.py', ROOT / 'configs/partdistill' / CONFIG,
        '--work-dir', work
    ] + SHORT, workspace)
    assert 'Iter(train) [3/3]' in log and 'coco/segm_mAP' in log
    assert (work / 'iter_3.pth').exists()


@pytest.mark.slow
def test_mim_runs_our_train_script(workspace):
    # By config path: in an editable install mim searches the whole checkout by
    # name, where the config copies runs leave in work_dirs/ make names ambiguous.
    mim = Path(sys.executable).with_name('mim')
    log = run([
        mim, 'train', 'mmpartdistill', ROOT / 'configs/partdistill' / CONFIG, '--work-dir',
        workspace / 'work_mim'
    ] + SHORT, workspace)
    assert 'Iter(train) [3/3]' in log


def test_setup_without_torch_says_what_to_do(tmp_path):
    fake = tmp_path / 'torch'
    fake.mkdir()
    (fake / '__init__.py').write_text('raise ImportError("no torch here")')
    result = subprocess.run([sys.executable, 'setup.py', '--version'],
                            cwd=ROOT,
                            text=True,
                            capture_output=True,
                            env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert result.returncode != 0
    assert 'torch is not importable' in result.stderr
    assert 'pip install --no-build-isolation -e .' in result.stderr
