"""The whole method in one command (PartDistillationPipeline), shrunk; crash and resume."""
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config

from pipeline_outputs import check_inference_tools, check_mmdetection_loads_every_stage
from test_train_tools import run

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/partdistill' / (
    'partdistill-pipeline_mask2former_effnet-lite0_synthetic-parts.py')
ORACLE = ROOT / 'configs/partdistill' / (
    'partdistill-pipeline-oracle_mask2former_effnet-lite0_synthetic-parts.py')
NO_WORKERS = {
    'train_dataloader.num_workers': 0,
    'train_dataloader.persistent_workers': False,
}


def small_pipeline(tmp_path: Path, config: Path = CONFIG, **benchmark) -> Path:
    """The tiny pipeline on a 16-image benchmark with a few iterations per stage
    (``benchmark``: other generator arguments, e.g. its ``classes``); its
    evaluation stages, if any, shrunk like the stages of the same config."""
    cfg = Config.fromfile(str(config))
    cfg.stage_config_dir = str(CONFIG.parent)
    cfg.synthetic_benchmark = dict(
        dict(generate=True, num_images=16, seed=5, image_size=96, val_fraction=0.5), **benchmark)
    stages = {s['name']: s for s in cfg.stages}
    stages['stage0_instance_model']['cfg_options'].update({
        'train_cfg.max_iters': 4,
        'train_cfg.val_interval': 4,
        'param_scheduler.end': 4,
        'param_scheduler.milestones': [3],
        'default_hooks.checkpoint.interval': 4,
        'val_dataloader.num_workers': 0,
        'val_dataloader.persistent_workers': False,
        **NO_WORKERS
    })
    stages['stage2_part_proposals']['cfg_options'].update({
        'train_cfg.max_iters': 4,
        'default_hooks.checkpoint.interval': 4,
        'train_dataloader.batch_size': 2,
        # a model trained 4 iterations is unsure: every pixel of a query's
        # mask counts, and every proposal and part is kept
        'model.mask_thr': 0.0,
        'custom_hooks.0.keep_score': 0.0,
        'custom_hooks.0.part_score': 0.0,
        **NO_WORKERS
    })
    stages['stage4_partdistill']['cfg_options'].update({
        'train_cfg.rounds': 2,
        'train_cfg.iters_per_round': 3,
        'default_hooks.checkpoint.interval': 3,
        'train_dataloader.batch_size': 2,
        'test_dataloader.num_workers': 0,
        'test_dataloader.persistent_workers': False,
        **NO_WORKERS
    })
    for stage in cfg.get('evaluation_stages', []):
        # the ceiling trains as stage 4 does, the oracles as the stage of their config
        like = [s for s in cfg.stages if s['config'] == stage.get('config') or
                (stage['name'] == 'ceiling_supervised' and s['name'] == 'stage4_partdistill')]
        if like:
            shrink = {k: v for k, v in like[0]['cfg_options'].items()
                      if not k.startswith('train_dataloader.dataset.')}  # not its labels
            stage['cfg_options'] = dict(shrink, **stage['cfg_options'])
    path = tmp_path / f'{config.stem}_small.py'
    cfg.dump(str(path))
    return path


def part_counts(parts_file: Path) -> dict:
    counts: dict = {}
    for cat in json.loads(parts_file.read_text())['categories']:
        counts[cat['supercategory']] = max(counts.get(cat['supercategory'], 0), cat['part_id'] + 1)
    return counts


def train_cmd(config: Path, work: Path, data_root: Path, *extra):
    return [
        sys.executable, ROOT / 'tools/train.py', config, '--work-dir', work, '--cfg-options',
        f'data_root={data_root}/'
    ] + list(extra)


@pytest.mark.slow
def test_pipeline_runs_every_stage_and_resumes_after_a_crash(tmp_path):
    config = small_pipeline(tmp_path)
    data_root = tmp_path / 'data'
    straight = tmp_path / 'straight'
    run(train_cmd(config, straight, data_root), tmp_path)
    assert (data_root / 'annotations/objects_val.json').exists(), 'benchmark made on first use'
    summary = json.loads((straight / 'summary.json').read_text())
    assert list(summary) == [
        'baseline: axis bands', 'baseline: colour k-means', 'stage 1: pseudo parts',
        'stage 2: part proposals', 'stage 3: ranked parts', 'stage 4: PartDistillation model'
    ]
    per_class = summary['stage 4: PartDistillation model'].pop('per class (H)')
    assert per_class and set(per_class) <= {c['name'] for c in json.loads(
        (data_root / 'annotations/objects_val.json').read_text())['categories']}
    assert all(0 <= v <= 100 for v in per_class.values())
    assert all(0 <= v <= 100 for scores in summary.values() for k, v in scores.items()
               if k != 'per class (H)')
    assert 'stage 4: PartDistillation model' in (straight / 'summary.md').read_text()
    assert list((straight / 'predictions/overlays').glob('*_parts.png'))
    for r in (0, 1):
        assert (straight / f'stage4_partdistill/iter_{3 * (r + 1)}.pth').exists()
    assert (straight / 'stage4_partdistill/round_1/labels/annotations/ranked_parts.json').exists()
    # what the run leaves works in MMDetection's tools and in this project's
    check_mmdetection_loads_every_stage(straight, data_root)
    check_inference_tools(config, straight, data_root, tmp_path / 'tools')

    # the run's stage 3 again with other part counts, and one more self-training round
    options = ['--cfg-options', f'data_root={data_root}/']
    run([
        sys.executable, ROOT / 'tools/compare_part_counts.py', config, '--work-dir', straight,
        '--variant', 'k2', 'num_clusters=2', 'part_count="fixed"', '--variant', 'no_layout',
        'layout_weight=0', '--stage4', 'k2'
    ] + options, tmp_path)
    table = json.loads((straight / 'part_counts/summary.json').read_text())
    # other feature settings: the features are extracted again, without the config's layout
    with np.load(straight / 'part_counts/no_layout/part_ranking/centroids.npz') as plain, \
            np.load(straight / 'stage2_part_proposals/part_ranking/centroids.npz') as joint:
        assert joint['centroids'].shape[2] == plain['centroids'].shape[2] + 2
    assert 'stage 4' not in table['no_layout']
    assert set(table['k2']['parts_per_class'].values()) == {2}
    assert set(table['k2']) >= {'stage 3', 'stage 4'}
    assert set(table['k2']['stage 4']) >= {'C-mIoU (H)', 'C-mIoU (maj)', 'per class (H)'}
    rows = json.loads((straight / 'part_counts/rows.json').read_text())
    variants = (('k2', ('stage 3', 'stage 4')), ('no_layout', ('stage 3', )))
    assert rows == {f'{name}: {stage}': table[name][stage]
                    for name, stages in variants for stage in stages}
    # the ceiling and the oracles, after the finished run
    oracle = small_pipeline(tmp_path, ORACLE)
    log = run(train_cmd(oracle, straight, data_root, '--resume'), tmp_path)
    assert 'stage4_partdistill: finished earlier, skipped' in (straight /
                                                               'pipeline.log').read_text()
    summary = json.loads((straight / 'summary.json').read_text())
    assert list(summary)[6:] == [
        'ceiling: ground-truth parts (reads part labels)', 'oracle, ground-truth K: stage 3',
        'oracle, ground-truth K: stage 4', 'oracle, ground-truth stage-1 labels: stage 3',
        'oracle, ground-truth stage-1 labels: stage 4'
    ]
    true_k = part_counts(data_root / 'annotations/parts_train.json')
    oracle_k = part_counts(straight / 'oracle_part_counts/part_ranking/labels/train/annotations/'
                           'ranked_parts.json')
    # each class clustered into its true K (fewer clusters only where it has too few proposals)
    logs = ''.join(p.read_text() for p in (straight / 'oracle_part_counts/logs').rglob('*.log'))
    assert 'parts per class from' in logs
    assert all(f'{name} {k}' in logs for name, k in true_k.items() if name in oracle_k)
    assert all(oracle_k[name] <= true_k[name] for name in oracle_k)
    log = run([
        sys.executable, ROOT / 'tools/continue_self_training.py', config, '--work-dir', straight,
        '--rounds', '3'
    ] + options, tmp_path)
    assert 'self-training resumes at round 2 of 3' in log
    assert '| round 3 |' in (straight / 'stage4_partdistill_rounds3/rounds.md').read_text()

    # the same run, killed once round 0 of self-training has its checkpoint
    crashed = tmp_path / 'crashed'
    proc = subprocess.Popen([str(c) for c in train_cmd(config, crashed, data_root)],
                            cwd=tmp_path,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    last = crashed / 'stage4_partdistill/last_checkpoint'  # written after iter_3.pth
    while proc.poll() is None and not last.exists():
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert last.read_text().endswith('iter_3.pth')
    assert not (crashed / 'stage4_partdistill/stage.json').exists()

    again = subprocess.run([str(c) for c in train_cmd(config, crashed, data_root)],
                           cwd=tmp_path,
                           capture_output=True,
                           text=True)
    assert again.returncode != 0 and 'pass --resume' in again.stderr
    log = run(train_cmd(config, crashed, data_root, '--resume'), tmp_path)
    assert 'stage1_pseudo_parts: finished earlier, skipped' in (crashed /
                                                                'pipeline.log').read_text()
    assert 'self-training resumes at round 1' in log
    first = json.loads((straight / 'predictions/val_parts.json').read_text())
    second = json.loads((crashed / 'predictions/val_parts.json').read_text())
    assert [(p['object_id'], p['part_id'], p['segmentation']) for p in first] == \
        [(p['object_id'], p['part_id'], p['segmentation']) for p in second]
    assert [p['score'] for p in first] == pytest.approx([p['score'] for p in second], abs=1e-5)


THREE = ['tower=lamp', 'beast=quadruped', 'cart=car']
TWELVE = [
    f'{name}={drawer}' for name, drawer in zip([
        'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa',
        'lambda', 'mu'
    ], ['lamp', 'quadruped', 'car', 'tree', 'humanoid', 'mug', 'airplane'] * 2)
]


@pytest.mark.slow
@pytest.mark.parametrize('classes', [THREE, TWELVE], ids=['3-classes', '12-classes'])
def test_pipeline_takes_classes_and_k_from_the_data(tmp_path, classes):
    """No config names the classes: other sets, of other names, run end to end."""
    config = small_pipeline(tmp_path, num_images=24, classes=classes)
    data_root, work = tmp_path / 'data', tmp_path / 'work'
    run(train_cmd(config, work, data_root), tmp_path)
    names = [c.split('=')[0] for c in classes]
    stage0 = torch.load(
        (work / 'stage0_instance_model/last_checkpoint').read_text().strip(),
        map_location='cpu',
        weights_only=False)
    assert stage0['state_dict']['panoptic_head.cls_embed.weight'].shape[0] == len(names) + 1
    assert list(stage0['meta']['dataset_meta']['classes']) == names
    stage4 = torch.load(
        (work / 'stage4_partdistill/last_checkpoint').read_text().strip(),
        map_location='cpu',
        weights_only=False)
    meta = stage4['meta']['dataset_meta']
    assert list(meta['object_classes']) == names
    ranked = json.loads((work / 'stage2_part_proposals/part_ranking/labels/train/annotations/'
                         'ranked_parts.json').read_text())
    per_class = [sum(c['supercategory'] == name for c in ranked['categories']) for name in names]
    assert list(meta['parts_per_class']) == per_class and max(per_class) <= 8
    rows = stage4['state_dict']['panoptic_head.cls_embed.weight'].shape[0]
    assert rows == len(names) * max(per_class) + 1
    predictions = json.loads((work / 'predictions/val_parts.json').read_text())
    objects = json.loads((data_root / 'annotations/objects_val.json').read_text())
    assert {p['category_id'] for p in predictions} <= {c['id'] for c in objects['categories']}
    assert len(json.loads((work / 'summary.json').read_text())) == 6
