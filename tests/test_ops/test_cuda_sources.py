"""The CUDA kernels compile with plain nvcc (no torch) for Ampere and Hopper."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which('nvcc') is None, reason='nvcc not on PATH')
@pytest.mark.parametrize('arch', ['sm_80', 'sm_90'])
def test_kernels_compile_with_nvcc(arch, tmp_path):
    result = subprocess.run([
        'nvcc', '-c', '-std=c++17', '-O3', f'-arch={arch}',
        str(ROOT / 'csrc/cuda/masked_kmeans_kernel.cu'), '-o',
        str(tmp_path / 'kernel.o')
    ],
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / 'kernel.o').stat().st_size > 0
