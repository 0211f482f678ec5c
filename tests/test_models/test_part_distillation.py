"""PartDistillationHead and PartDistillationDetector: class-restricted parts per object."""
import copy
from pathlib import Path

import pytest
import torch
from mmdet.registry import MODELS
from mmengine.config import Config
from test_part_proposal import BACKBONES, batch

from mmpartdistill.engine.data_classes import fill_data_classes
from mmpartdistill.models.detectors.part_distillation_detector import best_query_map

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/partdistill' / (
    'partdistill_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py')
K, N = 4, 7


def with_classes(cfg: Config, classes: int, parts: int) -> Config:
    """The config with N and K filled as from a checkpoint trained on such data."""
    meta = dict(
        dataset_meta=dict(
            object_classes=[f'class{i}'
                            for i in range(classes)], parts_per_class=[parts] * classes))
    fill_data_classes(cfg, meta, prefer_checkpoint=True)
    return cfg


def build(**overrides):
    torch.manual_seed(0)
    model_cfg = copy.deepcopy(with_classes(Config.fromfile(str(CONFIG)), N, K).model)
    model_cfg.backbone, model_cfg.panoptic_head.in_channels = copy.deepcopy(BACKBONES['resnet18'])
    model_cfg.update(crop_sizes=((64, 64), (96, 96)), **overrides)
    return MODELS.build(model_cfg)


def part_batch(seed=0):
    """Two images of one object each, parts labelled inside object classes 1 and 3."""
    data = batch(num_images=2, seed=seed)
    for sample, label in zip(data['data_samples'], (1, 3)):
        sample.set_metainfo(dict(object_label=label))
        sample.gt_instances.labels = torch.tensor([label * K, label * K + 2, label * K + 3])
    return data


def test_loss_uses_only_the_object_classes_parts():
    model = build()
    model.train()
    data = model.data_preprocessor(part_batch(), training=True)
    x = model.extract_feat(data['inputs'])
    cls_preds, _ = model.panoptic_head(x, data['data_samples'])
    assert cls_preds[-1].shape[-1] == K + 1, 'forward computes only the own class\'s outputs'
    full, _ = model.panoptic_head.predict(x, data['data_samples'])
    assert full.shape[-1] == N * K + 1, 'predict keeps Mask2Former\'s contract'
    for b, label in enumerate((1, 3)):
        allowed = torch.zeros(N * K + 1, dtype=torch.bool)
        allowed[label * K:(label + 1) * K] = True
        allowed[-1] = True
        probs = full[b].softmax(-1)
        assert probs[:, ~allowed].max() == 0, 'other classes\' parts get no probability'
    losses = model.loss(data['inputs'], data['data_samples'])
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    grad = model.panoptic_head.cls_embed.weight.grad
    used = {lb * K + k for lb in (1, 3) for k in range(K)} | {N * K}
    for row in range(N * K + 1):
        assert (grad[row].abs().sum() > 0) == (row in used), f'class {row}'
    assert model.panoptic_head.mask_embed[-1].log_scale.grad is not None


def full_and_gathered(parts_per_class=None):
    """The same model (same weights) with the full and the gathered classifier."""
    models = []
    for gather in (False, True):
        torch.manual_seed(0)
        model_cfg = copy.deepcopy(with_classes(Config.fromfile(str(CONFIG)), N, K).model)
        model_cfg.backbone, model_cfg.panoptic_head.in_channels = copy.deepcopy(
            BACKBONES['resnet18'])
        model_cfg.crop_sizes = ((64, 64), (96, 96))
        model_cfg.panoptic_head.update(gather_classes=gather, parts_per_class=parts_per_class)
        models.append(MODELS.build(model_cfg))
    models[1].load_state_dict(models[0].state_dict())
    return models


@pytest.mark.parametrize('parts_per_class', [None, [4, 2, 4, 1, 4, 4, 4]])
def test_gathered_classifier_equals_the_full_logits(parts_per_class):
    full, gathered = full_and_gathered(parts_per_class)
    losses = []
    for model in (full, gathered):
        model.train()
        data = model.data_preprocessor(part_batch(), training=True)
        if parts_per_class:  # labels within each class's own count
            for sample in data['data_samples']:
                label = sample.object_label
                sample.gt_instances.labels = sample.gt_instances.labels.clamp(
                    max=label * K + parts_per_class[label] - 1)
        torch.manual_seed(1)  # the point sampling of matching and losses
        losses.append(model.loss(data['inputs'], data['data_samples']))
        sum(v for k, v in losses[-1].items() if 'loss' in k).backward()
    assert losses[0].keys() == losses[1].keys()
    for key in losses[0]:
        torch.testing.assert_close(losses[1][key], losses[0][key], rtol=1e-5, atol=1e-6)
    for (name, a), (_, b) in zip(full.named_parameters(), gathered.named_parameters()):
        if a.grad is not None or b.grad is not None:
            torch.testing.assert_close(b.grad, a.grad, rtol=1e-4, atol=1e-6, msg=name)
    results = []
    for model in (full, gathered):
        model.eval()
        data = model.data_preprocessor(part_batch(), training=False)
        with torch.no_grad():
            feats = model.extract_feat(data['inputs'])
            logits, masks = model.panoptic_head.predict(feats, data['data_samples'])
            parts = model.panoptic_head.predict_parts(feats, data['data_samples'])[0]
            results.append((logits.softmax(-1), masks, parts))
    for a, b in zip(*results):
        torch.testing.assert_close(b, a, rtol=1e-5, atol=1e-6)


def test_gathered_loss_refuses_unequal_part_weights_and_foreign_parts():
    model_cfg = copy.deepcopy(with_classes(Config.fromfile(str(CONFIG)), N, K).model)
    model_cfg.backbone, model_cfg.panoptic_head.in_channels = copy.deepcopy(BACKBONES['resnet18'])
    model_cfg.panoptic_head.loss_cls.class_weight = [1.0] * (N * K - 1) + [2.0, 0.1]
    with pytest.raises(ValueError, match='weighs every part class alike'):
        MODELS.build(model_cfg)
    model = build()
    model.train()
    data = model.data_preprocessor(part_batch(), training=True)
    data['data_samples'][0].gt_instances.labels[0] = 0  # a part of class 0 on a class-1 object
    with pytest.raises(ValueError, match='not all parts of its object class 1'):
        model.loss(data['inputs'], data['data_samples'])


def test_slots_beyond_a_class_part_count_get_no_probability():
    torch.manual_seed(0)
    model_cfg = copy.deepcopy(with_classes(Config.fromfile(str(CONFIG)), N, K).model)
    model_cfg.backbone, model_cfg.panoptic_head.in_channels = copy.deepcopy(BACKBONES['resnet18'])
    model_cfg.crop_sizes = ((64, 64), )
    model_cfg.panoptic_head.parts_per_class = [4, 2, 4, 1, 4, 4, 4]
    model = MODELS.build(model_cfg)
    data = model.data_preprocessor(part_batch(), training=False)
    cls_logits, _ = model.panoptic_head.predict(
        model.extract_feat(data['inputs']), data['data_samples'])
    probs = cls_logits.softmax(-1)
    for b, (label, count) in enumerate(((1, 2), (3, 1))):
        assert probs[b, :, label * K:label * K + count].sum() > 0
        assert probs[b, :, label * K + count:(label + 1) * K].max() == 0
    model_cfg.panoptic_head.parts_per_class = [5] * N
    with pytest.raises(ValueError, match='parts_per_class must give 0..4 parts'):
        MODELS.build(model_cfg)


def test_sample_without_object_label_is_an_error():
    model = build()
    data = model.data_preprocessor(batch(num_images=1), training=True)
    with pytest.raises(ValueError, match='object_label'):
        model.loss(data['inputs'], data['data_samples'])


@pytest.mark.parametrize('part_map', ['sum', 'max'])
def test_predict_gives_each_object_pixel_one_part_of_its_class(part_map):
    model = build(part_map=part_map)
    model.eval()
    data = model.data_preprocessor(batch(objects=True, seed=5), training=False)
    with torch.no_grad():
        results = model(**data, mode='predict')
    for result in results:
        parts = result.pred_instances
        objects = result.gt_instances.masks.to_tensor(torch.bool, 'cpu')
        for m, obj_id in enumerate(result.object_ids):
            mine = parts.object_ids == obj_id
            masks = parts.masks[mine]
            assert (masks.sum(0) == objects[m].long()).all(), 'parts tile the object'
            assert len(set(parts.part_ids[mine].tolist())) == int(mine.sum())
            assert ((parts.part_ids[mine] >= 0) & (parts.part_ids[mine] < K)).all()
            assert (parts.object_labels[mine] == result.gt_instances.labels[m]).all()
            assert (parts.labels[mine] == result.gt_instances.labels[m] * K +
                    parts.part_ids[mine]).all()
            assert ((parts.scores[mine] > 0) & (parts.scores[mine] <= 1)).all()


def test_max_part_map_is_not_outweighed_by_many_queries():
    """Three queries of 0.4 on part 0 sum above one of 0.9 on part 1; their best does not."""
    model = build(part_map='sum')
    part_prob = torch.zeros(4, K)
    part_prob[:3, 0], part_prob[3, 1] = 0.4, 0.9
    mask_logits = torch.full((4, 8, 8), 2.0)
    box, size = (0, 0, 8, 8), (8, 8)
    args = (None, 0, None, box, size, part_prob, mask_logits, None)
    assert (model.object_output(*args).argmax(0) == 0).all()
    model.part_map = 'max'
    best = model.object_output(*args)
    assert (best.argmax(0) == 1).all()
    assert torch.allclose(best[1], 0.9 * torch.sigmoid(torch.tensor(2.0)).expand(8, 8))


@pytest.mark.parametrize('budget', [1, 37, 1 << 20])
def test_best_query_map_tiles_give_the_max_over_queries(budget):
    torch.manual_seed(0)
    part_prob, prob = torch.rand(6, 3), torch.rand(6, 5, 7)
    expected = (part_prob.t()[:, :, None, None] * prob[None]).amax(1)
    assert torch.equal(best_query_map(part_prob, prob, budget), expected)


def test_unknown_part_map_is_an_error():
    with pytest.raises(ValueError, match="part_map must be one of .* got 'mean'"):
        build(part_map='mean')


def test_loads_a_part_proposal_checkpoint(tmp_path):
    from test_part_proposal import build as build_proposals
    proposals = build_proposals()
    path = tmp_path / 'proposals.pth'
    torch.save(dict(state_dict=proposals.state_dict()), path)
    model = build(init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    model.init_weights()
    torch.testing.assert_close(model.panoptic_head.query_feat.weight,
                               proposals.panoptic_head.query_feat.weight)
    assert model.panoptic_head.cls_embed.weight.shape[0] == N * K + 1


@pytest.mark.parametrize('name, classes, parts', [
    ('partdistill_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py', 7, 4),
    ('partdistill_mask2former_swin-l-p4-w12-384-in21k_8xb4-90k_in1k.py', 1000, 8),
])
def test_configs_build(name, classes, parts):
    cfg = with_classes(Config.fromfile(str(CONFIG.parent / name)), classes, parts)
    model = MODELS.build(cfg.model)
    head = model.panoptic_head
    assert type(model).__name__ == 'PartDistillationDetector'
    assert head.cls_embed.out_features == classes * parts + 1
    assert len(head.loss_cls.class_weight) == classes * parts + 1
    assert cfg.train_cfg.type == 'SelfTrainingLoop'
    for prefix in cfg.model.frozen_modules:
        assert not any(p.requires_grad for p in model.get_submodule(prefix).parameters())


def test_21k_config():
    cfg = with_classes(
        Config.fromfile(
            str(CONFIG.parent /
                'partdistill_mask2former_swin-l-p4-w12-384-in21k_32xb8-120k_in21k.py')), 21843, 8)
    head = cfg.model.panoptic_head
    assert head.num_object_classes * head.num_parts + 1 == len(head.loss_cls.class_weight)
    assert cfg.train_cfg.iters_per_round == 120000 and cfg.optim_wrapper.optimizer.lr == 1e-4
    assert cfg.train_dataloader.batch_size * 32 == cfg.auto_scale_lr.base_batch_size
    stage2 = Config.fromfile(
        str(CONFIG.parent /
            'part-proposal_mask2former_swin-l-p4-w12-384-in21k_32xb16-50k_in21k-pseudo-parts.py'))
    (hook, ) = stage2.custom_hooks
    assert (hook.keep_area, hook.keep_score, hook.part_area, hook.part_score) == (0.05, 0.3, 0.05,
                                                                                  0.1)
    assert stage2.train_dataloader.batch_size * 32 == 512 and stage2.train_cfg.max_iters == 50000


@pytest.mark.parametrize('percent', [1, 5, 10, 100])
def test_fewshot_configs(percent):
    cfg = with_classes(
        Config.fromfile(
            str(CONFIG.parent / 'partdistill-fewshot_mask2former_swin-l-p4-w12-384-in21k_8xb2-20k_'
                f'cityscapes-parts-{percent}pct.py')), 5, 5)
    head = cfg.model.panoptic_head
    assert head.num_object_classes * head.num_parts + 1 == len(head.loss_cls.class_weight) == 26
    assert cfg.train_dataloader.dataset.ann_file == f'annotations/parts_train_{percent}pct.json'
    assert cfg.train_dataloader.dataset.objects_file == (
        f'annotations/objects_train_{percent}pct.json')
    assert cfg.train_cfg.type == 'IterBasedTrainLoop' and cfg.custom_hooks == []
    assert cfg.val_evaluator.mappings == ('identity', 'majority')
    assert cfg.test_dataloader.dataset.data_prefix.img == 'leftImg8bit/val/'
