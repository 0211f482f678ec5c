"""Every paper-scale (Swin-L) config builds into a model that trains one step and
predicts one batch on the CPU, with random weights, at a reduced input size."""
import copy
from pathlib import Path

import pytest
import torch
from mmdet.registry import MODELS
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from test_part_distillation import with_classes
from test_part_proposal import batch

CONFIGS = Path(__file__).resolve().parents[2] / 'configs/partdistill'
SIZE = 128  # the configs crop 640 px; the CPU steps Swin-L at 128 px
# (name, N object classes, K parts): stage 2 (and its stage-3 hook), stage 4, few-shot
PAPER_SCALE = [
    ('part-proposal_mask2former_swin-l-p4-w12-384-in21k_8xb8-90k_in1k-pseudo-parts.py', 0, 0),
    ('part-proposal_mask2former_swin-l-p4-w12-384-in21k_32xb16-50k_in21k-pseudo-parts.py', 0, 0),
    ('partdistill_mask2former_swin-l-p4-w12-384-in21k_8xb4-90k_in1k.py', 1000, 8),
    ('partdistill_mask2former_swin-l-p4-w12-384-in21k_32xb8-120k_in21k.py', 21843, 8),
] + [(f'partdistill-fewshot_mask2former_swin-l-p4-w12-384-in21k_8xb2-20k_cityscapes-parts-'
      f'{p}pct.py', 5, 5) for p in (1, 5, 10, 100)]


def reduced(cfg: Config) -> Config:
    """The config's model at SIZE px: its fixed-size batch padding and crops shrunk."""
    model = copy.deepcopy(cfg.model)
    for augment in model.data_preprocessor.get('batch_augments') or []:
        augment.size = (SIZE, SIZE)
    model.crop_sizes = [(SIZE, SIZE)]
    model.mask_thr = 0.0  # random weights are unsure: every pixel of a query's mask counts
    return model


def labelled(data: dict, classes: int, parts: int) -> dict:
    """The batch's objects as class-specific parts of object classes 0 and N - 1."""
    for sample, label in zip(data['data_samples'], (0, classes - 1)):
        sample.set_metainfo(dict(object_label=label))
        sample.gt_instances.labels = label * parts + torch.arange(3) % parts
    return data


def all_parameters(model) -> dict:
    return {n: p.detach().clone() for n, p in model.named_parameters()}


@pytest.mark.slow
@pytest.mark.parametrize('name, classes, parts', PAPER_SCALE, ids=[n for n, _, _ in PAPER_SCALE])
def test_paper_scale_config_trains_a_step_and_predicts(name, classes, parts):
    cfg = Config.fromfile(str(CONFIGS / name))
    if classes:
        cfg = with_classes(cfg, classes, parts)
    torch.manual_seed(0)
    model = MODELS.build(reduced(cfg))
    head = model.panoptic_head
    assert type(model.backbone).__name__ == 'SwinTransformer' and head.num_queries == 200
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    data = batch(num_images=2, size=SIZE)
    if classes:
        assert head.cls_embed.out_features == classes * parts + 1
        data = labelled(data, classes, parts)
    before = all_parameters(model)
    model.train()
    losses = model.train_step(data, optim_wrapper)
    assert all(torch.isfinite(v) for v in losses.values())
    after = all_parameters(model)
    frozen = tuple(p + '.' for p in cfg.model.get('frozen_modules', ()))
    changed = {n for n in before if not torch.equal(before[n], after[n])}
    assert changed, 'the step updates the model'
    assert not [n for n in changed if n.startswith(frozen)], 'frozen modules stay as loaded'

    model.eval()
    data = batch(num_images=1, size=SIZE, objects=True, seed=3)
    if classes:
        data['data_samples'][0].set_metainfo(dict(object_label=classes - 1))
        data['data_samples'][0].gt_instances.labels = torch.tensor([classes - 1] * 2)
    (result, ) = model.test_step(data)
    parts_found = result.pred_instances
    assert len(parts_found) > 0 and parts_found.masks.shape[1:] == (SIZE, SIZE)
    if classes:
        assert (parts_found.object_labels == classes - 1).all()
