"""The MMSegmentation path end to end with the tools: part predictions or
converted ground truth -> semantic part maps -> a stock segmentor trained and
scored by tools/train.py and tools/test.py."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.config import Config
from real_format_fixtures import make_cityscapes_parts, make_cityscapes_parts_train

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / 'configs/partdistill'
MAPS = ROOT / 'tools/dataset_converters/semantic_part_maps.py'
SHORT = [
    'train_cfg.max_iters=2', 'train_cfg.val_interval=2', 'train_dataloader.batch_size=2',
    'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
    'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
    'default_hooks.logger.interval=1'
]


def run(cmd, cwd):
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, text=True, capture_output=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def test_segmentor_configs_are_stock_mmseg():
    for name in ('segformer_mit-b0_1xb8-1k_synthetic-distilled-parts.py',
                 'segformer_effnet-lite0_1xb8-1k_synthetic-distilled-parts.py',
                 'segformer_effnet-lite0_1xb8-300i_cityscapes-parts-100pct.py'):
        cfg = Config.fromfile(str(CONFIGS / name))
        assert cfg.default_scope == 'mmseg' and cfg.model.type == 'EncoderDecoder'
        assert cfg.model.decode_head.type == 'PartSegformerHead'
        assert cfg.model.decode_head.part_maps.endswith('part_maps.json')
        assert cfg.val_evaluator.type in ('PartMapIoUMetric', 'IoUMetric')


@pytest.mark.slow
def test_distilled_parts_train_a_stock_segformer(workspace):
    """A part model's predictions on train (here the axis-bands baseline's) as
    part maps, ground truth of val as part maps, SegFormer trained and scored."""
    work = workspace / 'mmseg'
    ann = 'data/synthetic_parts/annotations/'
    run([
        sys.executable, ROOT / 'tools/test.py',
        CONFIGS / 'axis-bands-baseline_k4_synthetic-parts.py', '--work-dir', work / 'baseline',
        '--out', work / 'train_parts.json', '--cfg-options',
        'test_dataloader.dataset.ann_file=annotations/objects_train.json',
        f'test_evaluator.0.objects_file={ann}objects_train.json',
        f'test_evaluator.0.parts_file={ann}parts_train.json',
        f'test_evaluator.1.objects_file={ann}objects_train.json',
        f'test_evaluator.1.parts_file={ann}parts_train.json'
    ], workspace)
    out = run([
        sys.executable, MAPS, '--objects', f'{ann}objects_train.json', '--predictions', work /
        'train_parts.json', '--num-parts', '4', '--split', 'train', '--out', work / 'maps/distilled'
    ], workspace)
    assert '8 images of split train' in out and '28 part classes (part_id)' in out
    run([
        sys.executable, MAPS, '--objects', f'{ann}objects_val.json', '--parts',
        f'{ann}parts_val.json', '--split', 'val', '--out', work / 'maps/gt'
    ], workspace)
    # the maps live outside the benchmark's folder: the config's four paths to them move
    maps = [
        f'train_dataloader.dataset.maps_root={work}/maps/distilled',
        f'val_dataloader.dataset.maps_root={work}/maps/gt',
        f'model.decode_head.part_maps={work}/maps/distilled/part_maps.json',
        f'val_evaluator.part_maps={work}/maps/distilled/part_maps.json'
    ]
    for backbone in ('effnet-lite0', 'mit-b0'):
        config = CONFIGS / f'segformer_{backbone}_1xb8-1k_synthetic-distilled-parts.py'
        seg = work / backbone
        log = run(
            [sys.executable, ROOT / 'tools/train.py', config, '--work-dir', seg, '--cfg-options'] +
            SHORT + maps, workspace)
        assert 'Iter(train) [2/2]' in log and 'part_map/hungarian/mIoU' in log
    run([
        sys.executable, ROOT / 'tools/test.py', config, seg / 'iter_2.pth', '--work-dir',
        work / 'seg_test', '--cfg-options', 'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
        f'test_dataloader.dataset.maps_root={work}/maps/gt',
        f'test_evaluator.part_maps={work}/maps/distilled/part_maps.json',
        f'model.decode_head.part_maps={work}/maps/distilled/part_maps.json'
    ], workspace)
    metrics = json.loads((work / 'seg_test/metrics.json').read_text())
    for key in ('part_map/hungarian/mIoU', 'part_map/majority/C-mIoU'):
        assert 0 <= metrics[key] <= 100


@pytest.mark.slow
def test_fewshot_cityscapes_parts_through_mmseg(tmp_path):
    """Release layout -> converter -> few-shot split -> part maps by part id ->
    SegFormer fine-tuned -> MMSegmentation's IoUMetric on val."""
    data = tmp_path / 'data' / 'cityscapes'
    data.mkdir(parents=True)
    make_cityscapes_parts(data)
    make_cityscapes_parts_train(data)
    converter = ROOT / 'tools/dataset_converters/cityscapes_panoptic_parts.py'
    for split in ('train', 'val'):
        run([sys.executable, converter, '--root', data, '--split', split], tmp_path)
    ann = data / 'annotations'
    run([
        sys.executable, ROOT / 'tools/make_fewshot_split.py', '--objects',
        ann / 'objects_train.json', '--parts', ann / 'parts_train.json', '--percent', '50'
    ], tmp_path)
    for split in ('train_50pct', 'val'):
        run([
            sys.executable, MAPS, '--objects', ann / f'objects_{split}.json', '--parts',
            ann / f'parts_{split}.json', '--by', 'part_id', '--num-parts', '5', '--split', split,
            '--out', data / 'part_maps'
        ], tmp_path)
    config = CONFIGS / 'segformer_effnet-lite0_1xb8-300i_cityscapes-parts-100pct.py'
    log = run([
        sys.executable, ROOT / 'tools/train.py', config, '--work-dir', tmp_path / 'work',
        '--cfg-options', 'load_from=None', 'train_dataloader.dataset.split=train_50pct'
    ] + SHORT, tmp_path)
    assert 'Iter(train) [2/2]' in log and re.search(r'Iter\(val\).*mIoU: \d', log), log[-2000:]
