"""The whole method with two processes (MMEngine's pytorch launcher, gloo, CPU)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_pipeline import small_pipeline, train_cmd
from test_train_tools import run

HERE = Path(__file__).resolve().parent


def annotations(path: Path) -> list:
    data = json.loads(path.read_text())
    return [(a['object_id'], a['category_id'], a['segmentation']) for a in data['annotations']]


@pytest.mark.slow
def test_two_processes_match_one(tmp_path):
    config = small_pipeline(tmp_path)
    data_root, two = tmp_path / 'data', tmp_path / 'two'
    cmd = train_cmd(config, two, data_root, '--launcher', 'pytorch')
    log = run([
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port',
        '29541'
    ] + cmd[1:], tmp_path)
    summary = json.loads((two / 'summary.json').read_text())
    assert len(summary) == 6 and 'stage 4: PartDistillation model' in summary
    for stage in ('stage0_instance_model', 'stage2_part_proposals', 'stage4_partdistill'):
        logs = ''.join(p.read_text() for p in (two / stage).glob('*/*.log'))
        # MMEngine logs the world size as its GPU number, on CPUs too
        assert 'Distributed training: True' in logs and 'GPU number: 2' in logs, stage
    assert log.count('generating the synthetic part benchmark') == 1, 'rank 0 made the data'

    # the stages that do not train, rerun in one process from the two-process
    # checkpoints, with the one thread torchrun gives each rank
    one = tmp_path / 'one'
    replay = subprocess.run(
        [sys.executable, HERE / 'replay_stages.py', config, f'{data_root}/', two, one],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert replay.returncode == 0, replay.stderr[-3000:]
    for split in ('train', 'val'):
        path = f'stage1_pseudo_parts/{split}/annotations/pseudo_parts.json'
        assert annotations(two / path) == annotations(one / path), f'stage 1, {split}'
        path = f'stage2_part_proposals/part_ranking/labels/{split}/annotations/ranked_parts.json'
        assert annotations(two / path) == annotations(one / path), f'stage 3, {split}'
    first = json.loads((two / 'predictions/val_parts.json').read_text())
    second = json.loads((one / 'predictions/val_parts.json').read_text())
    assert first and [(p['object_id'], p['part_id'], p['segmentation']) for p in first] == \
        [(p['object_id'], p['part_id'], p['segmentation']) for p in second]
    assert [p['score'] for p in first] == pytest.approx([p['score'] for p in second], abs=1e-5)
