"""The benchmark evaluation configs end to end on converted fixture data."""
import json
import sys
from pathlib import Path

import pytest
from real_format_fixtures import (make_cityscapes_parts, make_cityscapes_parts_train,
                                  make_partimagenet, make_pascal_part)
from test_train_tools import run

ROOT = Path(__file__).resolve().parents[2]
CONVERTERS = ROOT / 'tools/dataset_converters'
FAST = [
    '--cfg-options', 'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False'
]


def prepare(name, data):
    """Write the fixture in its release layout and convert it, as a user would."""
    if name == 'partimagenet-valtest':
        make_partimagenet(data)
        return [CONVERTERS / 'partimagenet.py', '--root', data]
    if name == 'pascal-part-val':
        make_pascal_part(data)
        return [
            CONVERTERS / 'pascal_part.py', '--parts', data / 'Annotations_Part', '--images',
            data / 'JPEGImages', '--split-file', data / 'val.txt', '--name', 'val', '--out', data
        ]
    make_cityscapes_parts(data)
    return [CONVERTERS / 'cityscapes_panoptic_parts.py', '--root', data, '--split', 'val']


@pytest.mark.slow
@pytest.mark.parametrize('name, folder', [('partimagenet-valtest', 'partimagenet'),
                                          ('pascal-part-val', 'pascal_part'),
                                          ('cityscapes-parts-val', 'cityscapes')])
def test_eval_config_runs_on_converted_data(name, folder, tmp_path):
    data = tmp_path / 'data' / folder
    data.mkdir(parents=True)
    run([sys.executable] + prepare(name, data), tmp_path)
    config = ROOT / f'configs/partdistill/axis-bands-baseline_k4_{name}.py'
    run([sys.executable, ROOT / 'tools/test.py', config, '--work-dir', tmp_path / 'work'] + FAST,
        tmp_path)
    metrics = json.loads((tmp_path / 'work/metrics.json').read_text())
    assert any(key.startswith('part/') for key in metrics)
    assert 0 <= metrics['proposal/AR@200'] <= 100
    assert 0 <= metrics['proposal_disjoint/AR@200'] <= 100


@pytest.mark.slow
def test_fewshot_config_fine_tunes_on_converted_cityscapes(tmp_path):
    """Release layout -> converter (train, val) -> few-shot split -> fine-tune -> val mIoU."""
    data = tmp_path / 'data' / 'cityscapes'
    data.mkdir(parents=True)
    make_cityscapes_parts(data)
    make_cityscapes_parts_train(data)
    for split in ('train', 'val'):
        run([
            sys.executable, CONVERTERS / 'cityscapes_panoptic_parts.py', '--root', data, '--split',
            split
        ], tmp_path)
    annotations = data / 'annotations'
    log = run([
        sys.executable, ROOT / 'tools/make_fewshot_split.py', '--objects', annotations /
        'objects_train.json', '--parts', annotations / 'parts_train.json', '--percent', '50', '100'
    ], tmp_path)
    assert '50pct: 2 images' in log and '100pct: 4 images' in log
    config = (ROOT / 'configs/partdistill/'
              'partdistill-fewshot_mask2former_effnet-lite0_1xb8-300i_cityscapes-parts-100pct.py')
    log = run([
        sys.executable, ROOT / 'tools/train.py', config, '--work-dir', tmp_path / 'work',
        '--cfg-options', 'load_from=None', 'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        'train_dataloader.dataset.ann_file=annotations/parts_train_50pct.json',
        'train_dataloader.dataset.objects_file=annotations/objects_train_50pct.json'
    ], tmp_path)
    assert 'annotations/parts_train_50pct.json: 4 objects with pseudo parts' in log
    assert 'Iter(train) [2/2]' in log
    assert 'part/identity/C-mIoU' in log and 'part/majority/C-mIoU' in log
    assert (tmp_path / 'work/iter_2.pth').exists()
