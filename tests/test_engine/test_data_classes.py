"""Model class counts come from the objects (and ranked parts) files, never from configs."""
import json
from pathlib import Path

import pytest
from mmengine.config import Config

from mmpartdistill.datasets import make_synthetic_parts
from mmpartdistill.engine.data_classes import DataClassesError, fill_data_classes

CONFIGS = Path(__file__).resolve().parents[2] / 'configs/partdistill'
STAGE0 = CONFIGS / 'mask2former_effnet-lite0_1xb4-1k_synthetic-objects.py'
STAGE4 = CONFIGS / 'partdistill_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py'
THREE = ['tower=lamp', 'beast=quadruped', 'cart=car']


@pytest.fixture(scope='module')
def three_classes(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp('three')
    make_synthetic_parts(str(root), num_images=6, seed=1, image_size=64, classes=THREE)
    return root


def ranked_parts(root: Path, parts_per_class: dict) -> Path:
    """A class-specific parts file with ``{class name: K}`` part categories."""
    owned = [(name, k) for name, count in parts_per_class.items() for k in range(count)]
    cats = [
        dict(id=i, name=f'{name} part{k}', supercategory=name, part_id=k)
        for i, (name, k) in enumerate(owned, 1)
    ]
    path = root / 'ranked_parts.json'
    path.write_text(json.dumps(dict(images=[], annotations=[], categories=cats)))
    return path


def stage0(root: Path) -> Config:
    cfg = Config.fromfile(str(STAGE0))
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = f'{root}/'
    return cfg


def test_instance_model_takes_the_objects_files_classes(three_classes):
    cfg = stage0(three_classes)
    assert cfg.model.panoptic_head.num_things_classes is None, 'no config lists them'
    fill_data_classes(cfg)
    assert cfg.model.panoptic_head.num_things_classes == 3
    assert cfg.model.panoptic_head.loss_cls.class_weight == [1.0, 1.0, 1.0, 0.1]
    assert cfg.model.panoptic_fusion_head.num_things_classes == 3


def test_part_model_takes_n_and_k_from_the_ranked_parts(three_classes, tmp_path):
    cfg = Config.fromfile(str(STAGE4))
    cfg.train_dataloader.dataset.ann_file = str(
        ranked_parts(tmp_path, dict(tower=2, beast=3, cart=1)))
    cfg.train_dataloader.dataset.objects_file = str(three_classes /
                                                    'annotations/objects_train.json')
    fill_data_classes(cfg)
    head = cfg.model.panoptic_head
    assert (head.num_object_classes, head.num_parts) == (3, 3)
    assert len(head.loss_cls.class_weight) == 3 * 3 + 1
    assert cfg.model.panoptic_fusion_head.num_things_classes == 9


def test_a_count_that_disagrees_with_the_data_is_named(three_classes):
    cfg = stage0(three_classes)
    cfg.model.panoptic_head.num_things_classes = 7
    with pytest.raises(DataClassesError, match=r'model.panoptic_head.num_things_classes=7 .*3'):
        fill_data_classes(cfg)
    cfg = stage0(three_classes)
    cfg.model.panoptic_head.loss_cls.class_weight = [1.0] * 8
    with pytest.raises(DataClassesError, match='class_weight has 8 entries'):
        fill_data_classes(cfg)


def test_missing_data_is_named(tmp_path):
    cfg = stage0(tmp_path / 'nowhere')
    with pytest.raises(DataClassesError, match='no objects file of the config exists'):
        fill_data_classes(cfg)
    (tmp_path / 'objects.json').write_text(json.dumps(dict(images=[], categories=[])))
    cfg.train_dataloader.dataset.ann_file = str(tmp_path / 'objects.json')
    with pytest.raises(DataClassesError, match='objects.json: has no "categories"'):
        fill_data_classes(cfg)


def test_testing_given_weights_takes_their_classes(three_classes):
    cfg = Config.fromfile(str(STAGE4))  # its train files do not exist here
    cfg.test_dataloader.dataset.data_root = f'{three_classes}/'
    meta = dict(dataset_meta=dict(object_classes=('a', 'b'), parts_per_class=(4, 2)))
    fill_data_classes(cfg, meta, prefer_checkpoint=True)
    assert (cfg.model.panoptic_head.num_object_classes, cfg.model.panoptic_head.num_parts) == (2, 4)
