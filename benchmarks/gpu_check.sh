#!/usr/bin/env bash
# The GPU check of the masked k-means op, for anyone with a CUDA device:
# builds the extension with its CUDA sources in place, runs the op's tests on
# CUDA (they compare against the pure-PyTorch reference) and the GPU benchmark.
# Needs torch with CUDA and a compiler only: `import mmpartdistill.ops` loads
# torch and the op, none of the OpenMMLab packages.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python}
"$PY" -c 'import torch; assert torch.cuda.is_available(), "no CUDA device"; print(torch.__version__, torch.cuda.get_device_name())'
export MAX_JOBS=${MAX_JOBS:-16}
FORCE_CUDA=1 "$PY" setup.py -q build_ext --inplace 2>&1 | grep -v '^\s*$' | tail -n 5
"$PY" -m pytest -q --noconftest -m 'not slow' tests/test_ops
"$PY" benchmarks/bench_masked_kmeans.py --device cuda "$@"
