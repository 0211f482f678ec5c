"""Figures over seeds, and one seed reaching every stage config."""
import math

import pytest
from mmengine.config import Config

from mmpartdistill.apis.pipeline import differs, gap_table, seed_spread, spread_table, with_seed

STAGE4 = 'stage 4: PartDistillation model'
CEILING = 'ceiling: ground-truth parts (reads part labels)'


def summary(stage4: float, ceiling: float, lamp: float) -> dict:
    return {
        STAGE4: {
            'C-mIoU (H)': stage4,
            'AR@100': 30.0,
            'per class (H)': {
                'lamp': lamp,
                'car': 50.0
            }
        },
        CEILING: {
            'C-mIoU (H)': ceiling,
            'AR@100': 40.0,
            'per class (H)': {
                'lamp': 90.0,
                'car': 60.0
            }
        },
    }


def test_mean_and_sample_std_over_seeds_with_per_class_gap():
    spread = seed_spread({0: summary(50, 70, 40), 1: summary(52, 72, 44), 2: summary(54, 68, 42)})
    stage4 = spread[STAGE4]['C-mIoU (H)']
    assert stage4['mean'] == pytest.approx(52) and stage4['std'] == pytest.approx(2)
    assert stage4['n'] == 3
    assert spread[STAGE4]['per class (H)']['lamp']['mean'] == pytest.approx(42)
    assert spread[CEILING]['AR@100']['std'] == 0
    table = spread_table(spread, 'val split')
    assert table[0].startswith('| val split (3 seeds) | C-mIoU (H) | AR@100 |')
    assert '| 52.0 ± 2.0 |' in table[2]
    gaps = gap_table(spread, STAGE4, CEILING)
    assert gaps[0] == '| part mIoU (H) per class | car | lamp | all |'
    assert gaps[-1] == '| gap (ceiling - method) | 10.0 | 48.0 | 18.0 |'
    assert gap_table(spread, STAGE4, 'no such row') == []


def test_a_row_one_seed_lacks_is_averaged_over_the_others():
    partial = {STAGE4: summary(60, 70, 40)[STAGE4]}
    spread = seed_spread({0: summary(50, 70, 40), 1: partial})
    assert spread[STAGE4]['C-mIoU (H)']['n'] == 2
    assert spread[CEILING]['C-mIoU (H)']['n'] == 1
    assert spread[STAGE4]['C-mIoU (H)']['std'] == pytest.approx(math.sqrt(50))


def test_a_difference_must_exceed_the_spread():
    assert differs(dict(mean=50, std=1), dict(mean=53, std=2))
    assert not differs(dict(mean=50, std=1), dict(mean=51.5, std=2))


def test_with_seed_reaches_every_seed_a_stage_config_names():
    cfg = Config(
        dict(
            randomness=dict(seed=0),
            train_cfg=dict(type='SelfTrainingLoop', seed=0),
            model=dict(type='ColorKMeansBaseline', seed=0),
            custom_hooks=[dict(type='PartRankingHook', seed=0)],
            lr=0.1))
    seeded = with_seed(cfg, 7)
    assert seeded.randomness.seed == seeded.train_cfg.seed == seeded.model.seed == 7
    assert seeded.custom_hooks[0]['seed'] == 7 and seeded.lr == 0.1
