"""End to end: tools/test.py on the baseline configs, then the file-based tools."""
import json
import os
import subprocess
import sys
from pathlib import Path

import mmcv
import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args, cwd):
    result = subprocess.run(
        [sys.executable] + [str(a) for a in args],
        cwd=cwd,
        text=True,
        capture_output=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    'name', ['axis-bands-baseline_k4_synthetic-parts', 'color-kmeans-baseline_k4_synthetic-parts'])
def test_test_tool_metrics_match_file_evaluation(workspace, name):
    work = workspace / name
    preds = work / 'val_parts.json'
    run([
        ROOT / 'tools/test.py', ROOT / f'configs/partdistill/{name}.py', '--work-dir', work,
        '--out', preds, '--show-dir', 'vis'
    ], workspace)
    metrics = json.loads((work / 'metrics.json').read_text())
    drawn = list(work.glob('*/vis/*.png'))
    assert len(drawn) == 8, 'PartLocalVisualizer draws every val image (--show-dir)'
    assert mmcv.imread(str(drawn[0])).shape == (96, 2 * 96, 3), 'objects beside their parts'
    for key in ('part/majority/C-mIoU', 'part/hungarian/C-mIoU', 'part/majority/A-mIoU',
                'proposal/AR@100'):
        assert 0 < metrics[key] < 100, key
    assert metrics['part/majority/C-mIoU'] >= metrics['part/hungarian/C-mIoU']
    ann = workspace / 'data/synthetic_parts/annotations'
    run([
        ROOT / 'tools/evaluate_parts.py', '--parts', ann / 'parts_val.json', '--objects',
        ann / 'objects_val.json', '--pred', preds, '--out', work / 'scores.json'
    ], workspace)
    scored = json.loads((work / 'scores.json').read_text())
    for mapping in ('majority', 'hungarian'):
        assert scored['part_miou'][mapping]['C-mIoU'] == pytest.approx(
            metrics[f'part/{mapping}/C-mIoU'])
    assert scored['proposal_recall']['AR@100'] == pytest.approx(metrics['proposal/AR@100'])
    out = run([
        ROOT / 'tools/draw_parts.py', '--pred', preds, '--objects', ann / 'objects_val.json',
        '--img-dir', workspace / 'data/synthetic_parts/images', '--out', work / 'overlays',
        '--max-images', '3'
    ], workspace)
    assert '3 overlays written' in out
    assert len(list((work / 'overlays').glob('*_parts.png'))) == 3


def test_evaluate_tool_names_bad_file(workspace, tmp_path):
    bad = tmp_path / 'preds.json'
    bad.write_text('[{"image_id": 1}]')
    ann = workspace / 'data/synthetic_parts/annotations'
    result = subprocess.run([
        sys.executable, ROOT / 'tools/evaluate_parts.py', '--parts', ann / 'parts_val.json',
        '--objects', ann / 'objects_val.json', '--pred', bad
    ],
                            text=True,
                            capture_output=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode != 0
    assert 'preds.json: record 0 lacks' in result.stderr
