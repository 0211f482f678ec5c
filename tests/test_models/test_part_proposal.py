"""PartProposalHead and PartProposalDetector: loss, object-aware predict, freezing, loading."""
import copy
from pathlib import Path

import numpy as np
import pytest
import torch
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner.checkpoint import load_state_dict
from mmengine.structures import InstanceData

from mmpartdistill.models.detectors.soft_nms_reference import soft_nms_reference

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/partdistill' / (
    'part-proposal_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py')

BACKBONES = {
    'resnet18': (dict(type='ResNet', depth=18, out_indices=(0, 1, 2, 3),
                      init_cfg=None), [64, 128, 256, 512]),
    'swin': (dict(
        type='SwinTransformer',
        embed_dims=24,
        depths=[1, 1, 1, 1],
        num_heads=[1, 2, 4, 8],
        window_size=4,
        out_indices=(0, 1, 2, 3),
        init_cfg=None), [24, 48, 96, 192]),
    'mmseg-mit': (dict(
        type='mmseg.MixVisionTransformer',
        embed_dims=16,
        num_layers=[1, 1, 1, 1],
        num_heads=[1, 2, 4, 8],
        out_indices=(0, 1, 2, 3),
        init_cfg=None), [16, 32, 64, 128]),
}


def build(backbone='resnet18', **overrides):
    torch.manual_seed(0)
    model_cfg = copy.deepcopy(Config.fromfile(str(CONFIG)).model)
    model_cfg.backbone, model_cfg.panoptic_head.in_channels = copy.deepcopy(BACKBONES[backbone])
    model_cfg.update(crop_sizes=((64, 64), (96, 96)), **overrides)
    return MODELS.build(model_cfg)


def blob_masks(num, size, seed):
    rng = np.random.default_rng(seed)
    masks = np.zeros((num, size, size), np.uint8)
    for i in range(num):
        y, x = rng.integers(4, size - 24, 2)
        masks[i, y:y + rng.integers(8, 20), x:x + rng.integers(8, 20)] = 1
    return masks


def sample(masks, labels, object_ids=None):
    h, w = masks.shape[1:]
    s = DetDataSample(
        metainfo=dict(img_shape=(h, w), ori_shape=(h, w), object_ids=object_ids, img_id=0))
    s.gt_instances = InstanceData(
        masks=BitmapMasks(masks, h, w),
        labels=torch.as_tensor(labels, dtype=torch.long),
        bboxes=HorizontalBoxes(BitmapMasks(masks, h, w).get_bboxes('hbox').tensor))
    return s


def batch(num_images=2, size=64, objects=False, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = [
        torch.randint(0, 255, (3, size, size), generator=g, dtype=torch.uint8)
        for _ in range(num_images)
    ]
    if objects:
        samples = [
            sample(blob_masks(2, size, seed + i), [1, 3], [10 * i + 1, 10 * i + 2])
            for i in range(num_images)
        ]
    else:
        samples = [sample(blob_masks(3, size, seed + i), [0, 0, 0]) for i in range(num_images)]
    return dict(inputs=inputs, data_samples=samples)


@pytest.mark.parametrize('backbone', list(BACKBONES))
def test_loss_and_object_aware_predict(backbone):
    model = build(backbone, max_per_object=7)
    model.train()
    data = model.data_preprocessor(batch(), training=True)
    losses = model(**data, mode='loss')
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    assert model.panoptic_head.query_feat.weight.grad is not None

    model.eval()
    data = model.data_preprocessor(batch(objects=True, seed=5), training=False)
    with torch.no_grad():
        results = model(**data, mode='predict')
    channels = model.panoptic_head.query_feat.weight.shape[1]
    for result in results:
        parts = result.pred_instances
        objects = result.gt_instances.masks.to_tensor(torch.bool, 'cpu')
        assert len(parts) > 0
        assert parts.query_feats.shape == (len(parts), channels)
        torch.testing.assert_close(parts.query_feats.norm(dim=1), torch.ones(len(parts)))
        assert parts.masks.shape[1:] == objects.shape[1:]
        assert parts.bboxes.shape == (len(parts), 4)
        assert set(parts.object_ids.tolist()) <= set(result.object_ids)
        for m, obj_id in enumerate(result.object_ids):
            mine = parts.object_ids == obj_id
            assert int(mine.sum()) <= 7
            assert not (parts.masks[mine] & ~objects[m]).any(), 'proposals stay in their object'
            assert (parts.object_labels[mine] == result.gt_instances.labels[m]).all()
            assert (parts.labels[mine] == 0).all()
            assert (parts.scores[mine].diff() <= 0).all() and (parts.scores >= 0).all()


def test_freezing_from_config():
    names = ('backbone', 'panoptic_head.pixel_decoder.encoder')
    model = build(frozen_modules=names)
    model.train()
    for name in names:
        module = model.get_submodule(name)
        assert not any(p.requires_grad for p in module.parameters())
        assert not any(m.training for m in module.modules())
    assert model.panoptic_head.transformer_decoder.training
    assert model.panoptic_head.query_feat.weight.requires_grad
    with pytest.raises(ValueError, match="'panoptic_head.encoder'"):
        build(frozen_modules=('panoptic_head.encoder', ))


def test_head_is_class_agnostic():
    with pytest.raises(ValueError, match='num_things_classes must be 1'):
        build(panoptic_head=dict(num_things_classes=3))


def test_checkpoint_with_other_classes_or_queries():
    model = build()
    state = copy.deepcopy(model.state_dict())
    channels = state['panoptic_head.cls_embed.weight'].shape[1]
    before = model.panoptic_head.cls_embed.weight.detach().clone()
    other = dict(state)
    other['panoptic_head.cls_embed.weight'] = torch.zeros(81, channels)
    other['panoptic_head.cls_embed.bias'] = torch.zeros(81)
    logger = MMLogger.get_instance('test_part_proposal')
    load_state_dict(model, other, logger=logger)
    assert torch.equal(model.panoptic_head.cls_embed.weight, before)

    other = dict(state)
    other['panoptic_head.query_feat.weight'] = torch.zeros(100, channels)
    with pytest.raises(ValueError, match='100 queries.*num_queries=20'):
        load_state_dict(model, other, logger=logger)


@pytest.mark.parametrize('name', [
    'part-proposal_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py',
    'part-proposal_mask2former_mit-b0_1xb8-500i_synthetic-parts.py',
    'part-proposal_mask2former_swin-l-p4-w12-384-in21k_8xb8-90k_in1k-pseudo-parts.py',
])
def test_configs_build(name):
    cfg = Config.fromfile(str(CONFIG.parent / name))
    model = MODELS.build(cfg.model)
    head = model.panoptic_head
    assert type(head).__name__ == 'PartProposalHead' and head.num_classes == 1
    assert head.cls_embed.out_features == 2
    frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
    for prefix in cfg.model.frozen_modules:
        assert any(n.startswith(prefix + '.') for n in frozen)
    if 'swin-l' in name:
        assert head.num_queries == 200 and model.crop_sizes == [(640, 640)]
        assert not any(p.requires_grad for p in model.backbone.parameters())


def test_pooled_scales_rank_repeats_last():
    model = build(max_per_object=4, dedup_iou=0.7)
    masks = torch.zeros(4, 10, 10, dtype=torch.bool)
    masks[0, :5] = True
    masks[1, :5] = True
    masks[1, 5, :5] = True  # IoU 50/55 with mask 0: a repeat
    masks[2, 5:] = True
    masks[3, :, :3] = True
    pooled = InstanceData(masks=masks, scores=torch.tensor([0.5, 0.9, 0.4, 0.3]))
    kept = model.select(pooled)
    assert kept.scores.tolist() == pytest.approx([0.9, 0.4, 0.3, 0.5 * (1 - 50 / 55)])
    assert torch.equal(kept.masks[3], masks[0])
    model.max_per_object = 2
    assert model.select(pooled).scores.tolist() == pytest.approx([0.9, 0.4])
    none = InstanceData(masks=torch.zeros(0, 10, 10, dtype=torch.bool), scores=torch.zeros(0))
    assert len(model.select(none)) == 0


@pytest.mark.parametrize('seed', range(4))
def test_select_is_soft_nms_one_by_one(seed):
    g = torch.Generator().manual_seed(seed)
    base = torch.rand(12, 16, 16, generator=g) > 0.5
    masks = torch.cat([base, base ^ (torch.rand(12, 16, 16, generator=g) > 0.9)])  # repeats
    scores = torch.rand(24, generator=g).round(decimals=1)  # ties among them
    model = build(max_per_object=15, dedup_iou=0.7)
    kept = model.select(InstanceData(masks=masks, scores=scores, ids=torch.arange(24)))
    order, want = soft_nms_reference(masks, scores, 0.7, 15)
    assert kept.ids.tolist() == order
    assert torch.equal(kept.scores, want)


@pytest.mark.parametrize('features', [('pixel_decoder', ), ('query', 'pixel_decoder')])
def test_pooled_proposal_features(features):
    model = build(proposal_features=features).eval()
    data = model.data_preprocessor(batch(objects=True, seed=5), training=False)
    with torch.no_grad():
        results = model(**data, mode='predict')
    dim = model.feature_dim()
    assert dim == 64 * len(features)
    for result in results:
        feats = result.pred_instances.query_feats
        assert feats.shape == (len(result.pred_instances), dim)
        torch.testing.assert_close(feats.norm(dim=1), torch.ones(len(feats)))

    # the pooled feature is the weighted mean of the pixels it covers
    mask_feature = torch.zeros(2, 4, 4)
    mask_feature[0, :, :2], mask_feature[1, :, 2:] = 1.0, 1.0  # left / right halves
    weights = torch.zeros(2, 16, 16)
    weights[0, :, :6], weights[1, :, 10:] = 1.0, 0.5
    model.proposal_features = ('pixel_decoder', )
    inside = torch.ones(16, 16)
    pooled = model.features_of(torch.zeros(2, 3), mask_feature, weights, inside, (16, 16))
    torch.testing.assert_close(pooled, torch.eye(2), atol=1e-6, rtol=0)
    model.proposal_features = ('query', 'pixel_decoder')
    queries = torch.nn.functional.normalize(torch.ones(2, 2), dim=1)
    both = model.features_of(queries, mask_feature, weights, inside, (16, 16))
    torch.testing.assert_close(both[:, :2], queries / 2**0.5)


def test_proposal_features_are_checked():
    for bad in ((), ('query', 'query'), ('backbone', )):
        with pytest.raises(ValueError, match='proposal_features'):
            build(proposal_features=bad)
