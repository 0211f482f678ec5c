"""Ranks wait for rank 0's long work without the process group's timeout."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def torchrun(mode: str) -> subprocess.CompletedProcess:
    return subprocess.run([
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port',
        '29531' if mode == 'on_rank_zero' else '29532',
        str(HERE / 'rank_zero_wait.py'), mode
    ],
                          capture_output=True,
                          text=True,
                          timeout=120)


def test_other_ranks_outwait_the_group_timeout():
    result = torchrun('on_rank_zero')
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert result.stdout.count('waited') == 2


def test_a_plain_barrier_times_out_there():
    result = torchrun('plain_barrier')
    assert result.returncode != 0
    assert 'waited' not in result.stdout
