"""Stage 2 end to end: pseudo parts -> tools/train.py -> tools/test.py with PartProposalRecall."""
import json
import sys
from pathlib import Path

import pytest
from mmengine.config import Config

from test_train_tools import run  # this folder is on sys.path (pytest's prepend import mode)

from mmpartdistill.datasets import ObjectsFile, PartsFile, load_predictions

ROOT = Path(__file__).resolve().parents[2]
STAGE1 = ROOT / 'configs/partdistill' / (
    'pseudo-parts_mask2former_effnet-lite0_synthetic-parts.py')
STAGE2 = ROOT / 'configs/partdistill' / (
    'part-proposal_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py')
SHORT = [
    'load_from=None', 'train_cfg.max_iters=3', 'train_cfg.val_interval=3',
    'default_hooks.logger.interval=1', 'train_dataloader.batch_size=2',
    'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
    'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False'
]


@pytest.mark.slow
def test_proposals_train_and_test_on_pseudo_parts(workspace):
    # stage 1 on the train split writes where the stage-2 config reads
    run([
        sys.executable, ROOT / 'tools/generate_pseudo_parts.py', STAGE1, '--out',
        'work_dirs/pseudo_parts_train', '--cfg-options', 'load_from=None', 'test_cfg.crf_iters=2',
        'randomness.seed=0'  # the untrained model's weights, and so its pseudo parts, fixed
    ], workspace)
    work = workspace / 'work_stage2'
    log = run(
        [sys.executable, ROOT / 'tools/train.py', STAGE2, '--work-dir', work, '--cfg-options'] +
        SHORT, workspace)
    assert 'objects with pseudo parts' in log and 'Iter(train) [3/3]' in log
    assert 'proposal/AR@100' in log

    preds = workspace / 'proposals_val.json'
    run([
        sys.executable, ROOT / 'tools/test.py', STAGE2, work / 'iter_3.pth', '--work-dir',
        workspace / 'work_test', '--out', preds, '--cfg-options', 'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False'
    ], workspace)
    metrics = json.loads((workspace / 'work_test/metrics.json').read_text())
    assert set(metrics) == {f'proposal/AR@{n}' for n in (10, 50, 100, 200)}
    assert all(0 <= v <= 100 for v in metrics.values())
    objects = ObjectsFile.load(str(workspace / 'data/synthetic_parts/annotations/objects_val.json'))
    predictions = load_predictions(str(preds), objects)
    cap = Config.fromfile(str(STAGE2)).model.max_per_object  # 40: two crop sizes of 20
    assert predictions and all(len(p) <= cap for p in predictions.values())

    # stage 3 ran after training (the config's PartRankingHook); tools/rank_parts.py alone
    assert (work / 'part_ranking/labels/val/annotations/ranked_parts.json').exists()
    ranked = workspace / 'ranked'
    log = run([
        sys.executable, ROOT / 'tools/rank_parts.py', STAGE2, '--checkpoint', work / 'iter_3.pth',
        '--out', ranked, '--cfg-options', 'model.mask_thr=0.0', 'custom_hooks.0.keep_score=0.0',
        'custom_hooks.0.part_score=0.0'
    ], workspace)
    assert 'ranked parts of train' in log and 'ranked parts of val' in log
    labels = ranked / 'labels/train/annotations'
    objects = ObjectsFile.load(str(labels / 'objects.json'))
    parts = PartsFile.load(str(labels / 'ranked_parts.json'), objects)
    assert any(parts.parts_by_object.values())
    # each class has its own K (part_count='per_object'): part ids 0..K-1, K <= 8
    assert 'parts per class (mean distinct clusters per object at K=8)' in log
    per_class = {}
    for cat in parts.categories.values():
        per_class.setdefault(cat['object_category_id'], set()).add(cat['part_id'])
    assert all(ids == set(range(len(ids))) and len(ids) <= 8 for ids in per_class.values())
