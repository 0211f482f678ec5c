"""Checks of what a finished pipeline run leaves, with MMDetection's and this
project's tools: run by the slow pipeline test on its work dir."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[2]
STAGES = {
    'stage0_instance_model': 'mask2former_effnet-lite0_1xb4-1k_synthetic-objects.py',
    'stage2_part_proposals': 'part-proposal_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py',
    'stage4_partdistill': 'partdistill_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py',
}


def tool(*args, cwd) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def stage_files(work: Path, stage: str):
    """The config the stage's runner dumped, and its last checkpoint."""
    return (work / stage / STAGES[stage],
            Path((work / stage / 'last_checkpoint').read_text().strip()))


def check_mmdetection_loads_every_stage(work: Path, data_root: Path) -> None:
    """The dumped configs are self-contained: MMDetection's own init_detector and
    DetInferencer build them (class counts filled) and load their weights."""
    from mmdet.apis import DetInferencer, init_detector
    for stage in STAGES:
        config, checkpoint = stage_files(work, stage)
        head = Config.fromfile(str(config)).model.panoptic_head
        counts = ('num_object_classes', 'num_parts') if head.type == 'PartDistillationHead' \
            else ('num_things_classes', )
        assert all(head[c] for c in counts), (stage, 'class counts filled in the dumped config')
        model = init_detector(str(config), str(checkpoint), device='cpu')
        saved = torch.load(checkpoint, map_location='cpu', weights_only=False)['state_dict']
        for key, value in model.state_dict().items():
            assert torch.equal(value, saved[key]), (stage, key)
    config, checkpoint = stage_files(work, 'stage0_instance_model')
    image = sorted((data_root / 'images').glob('*.png'))[0]
    result = DetInferencer(model=str(config), weights=str(checkpoint), device='cpu')(
        str(image), return_vis=True, no_save_vis=True)
    assert result['visualization'][0].shape[2] == 3
    config, checkpoint = stage_files(work, 'stage4_partdistill')
    inferencer = DetInferencer(model=str(config), weights=str(checkpoint), device='cpu')
    meta = inferencer.model.dataset_meta
    assert len(meta['palette']) == len(meta['classes']), 'every part label has its colour'


def check_inference_tools(pipeline: Path, work: Path, data_root: Path, tmp_path: Path) -> None:
    """tools/infer.py with the run's config or the template, tools/test.py
    --show-dir, mim test, and tools/test.py on the pipeline config."""
    tmp_path.mkdir()
    config, checkpoint = stage_files(work, 'stage4_partdistill')
    objects = data_root / 'annotations/objects_val.json'
    images = sorted(json.loads(objects.read_text())['images'], key=lambda i: i['id'])[:2]
    paths = [data_root / 'images' / i['file_name'] for i in images]
    template = ROOT / 'configs/partdistill' / STAGES['stage4_partdistill']
    for name, part_config in (('dumped', config), ('template', template)):
        out = tmp_path / f'infer_{name}'
        log = tool(sys.executable, ROOT / 'tools/infer.py', *paths, '--config', part_config,
                   '--checkpoint', checkpoint, '--objects', objects, '--out-dir', out,
                   cwd=tmp_path)
        assert '2 images' in log, log
        for path in paths:
            assert (out / 'vis' / (path.stem + '.png')).exists()
            record = json.loads((out / 'preds' / (path.stem + '.json')).read_text())
            assert record['objects'], name
    show = tmp_path / 'show'
    tool(sys.executable, ROOT / 'tools/test.py', config, checkpoint, '--work-dir',
         tmp_path / 'test_work', '--show-dir', show, '--cfg-options',
         'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False', cwd=tmp_path)
    assert len(list(show.glob('*.png'))) == len(json.loads(objects.read_text())['images'])
    log = tool(sys.executable, '-m', 'mim', 'test', 'mmpartdistill', config, '--checkpoint',
               checkpoint, '--work-dir', tmp_path / 'mim_test', '--cfg-options',
               'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False',
               cwd=tmp_path)
    metrics = json.loads((tmp_path / 'mim_test/metrics.json').read_text())
    assert 0 <= metrics['part/hungarian/C-mIoU'] <= 100, log[-2000:]
    summary = json.loads((work / 'summary.json').read_text())
    tool(sys.executable, ROOT / 'tools/test.py', pipeline, '--work-dir', work, '--cfg-options',
         f'data_root={data_root}/', cwd=tmp_path)
    rescored = json.loads((work / 'metrics.json').read_text())
    assert list(rescored) == list(summary)
    for row, scores in summary.items():
        assert rescored[row].pop('per class (H)') == pytest.approx(scores.pop('per class (H)'))
        assert np.allclose(list(rescored[row].values()), list(scores.values())), row
