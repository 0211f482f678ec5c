#!/usr/bin/env bash
# The GPU check of the masked k-means op, for anyone with a CUDA device:
# builds the extension with its CUDA sources, runs the op's tests on CUDA
# (they compare against the pure-PyTorch reference) and the GPU benchmark.
# Run from the repository root after `make setup` (or in any environment
# with torch+CUDA and the OpenMMLab packages).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python}
"$PY" -c 'import torch; assert torch.cuda.is_available(), "no CUDA device"; print(torch.cuda.get_device_name())'
FORCE_CUDA=1 "$PY" -m pip install --no-build-isolation --no-deps -e . 2>&1 | tail -n 3
"$PY" -m pytest -q tests/test_ops
"$PY" benchmarks/bench_masked_kmeans.py --device cuda
