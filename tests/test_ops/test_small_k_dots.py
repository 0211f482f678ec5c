"""Every variant of the op's small-k dot kernel this processor runs agrees
with float64 dot products (compiled and run as a small C++ program)."""
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.skipif(shutil.which('g++') is None, reason='g++ not on PATH')
def test_kernel_variants_match_float64(tmp_path):
    binary = tmp_path / 'check'
    build = subprocess.run(
        ['g++', '-O2', '-std=c++17',
         str(HERE / 'small_k_dots_check.cpp'), '-o',
         str(binary)],
        capture_output=True,
        text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    run = subprocess.run([str(binary)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert 'kernels' in run.stdout
