# Two entry points for a fresh machine: `make demo` and `make test`.
# Both set up .venv first (tools/setup_env.sh, idempotent).
VENV ?= .venv
PY := $(VENV)/bin/python
DATA ?= data/synthetic_parts
WORK ?= work_dirs

.PHONY: setup demo baselines lint test test-fast

setup:
	@bash tools/setup_env.sh

$(DATA)/annotations/parts_val.json: | setup
	$(PY) tools/make_synthetic_parts.py --out $(DATA) --num-images 400 --seed 0

# every stage of the method on the synthetic benchmark (made on first use);
# a rerun resumes, or only prints the summary once all stages have finished
demo: setup
	$(PY) tools/train.py configs/partdistill/partdistill-pipeline_mask2former_effnet-lite0_synthetic-parts.py \
		--work-dir $(WORK)/partdistill_tiny $(if $(wildcard $(WORK)/partdistill_tiny/*/stage.json),--resume)

baselines: setup $(DATA)/annotations/parts_val.json
	$(PY) tools/test.py configs/partdistill/axis-bands-baseline_k4_synthetic-parts.py \
		--work-dir $(WORK)/axis-bands --out $(WORK)/axis-bands/val_parts.json
	$(PY) tools/test.py configs/partdistill/color-kmeans-baseline_k4_synthetic-parts.py \
		--work-dir $(WORK)/color-kmeans --out $(WORK)/color-kmeans/val_parts.json
	for m in axis-bands color-kmeans; do $(PY) tools/draw_parts.py --pred $(WORK)/$$m/val_parts.json \
		--objects $(DATA)/annotations/objects_val.json --img-dir $(DATA)/images --out $(WORK)/$$m/overlays; done
	$(PY) tools/summarize_results.py $(WORK)/axis-bands $(WORK)/color-kmeans

lint: setup
	$(PY) -m flake8 mmpartdistill tools tests benchmarks setup.py

test: setup lint
	$(PY) -m pytest tests

test-fast: setup
	$(PY) -m pytest tests -m "not slow"
