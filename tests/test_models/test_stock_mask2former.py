"""The part heads in MMDetection's own Mask2Former, and the part detectors
through MMDetection 3.x's Mask2Former detector tests (loss, predict, tensor)."""
import copy
import os.path as osp

import mmdet
import pytest
import torch
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmdet.testing import demo_mm_inputs
from mmengine.config import Config

STOCK = osp.join(
    osp.dirname(mmdet.__file__), '.mim', 'configs', 'mask2former',
    'mask2former_r50_8xb2-lsj-50e_coco.py')
N, K = 3, 4  # object classes and parts per class of the PartDistillationHead
CHANNELS = 32


def tiny(model: Config) -> Config:
    """The stock model at ResNet-18 and 32 channels, without the 1024-px batch padding."""
    model = copy.deepcopy(model)
    model.data_preprocessor.pop('batch_augments', None)
    model.backbone.update(depth=18, base_channels=CHANNELS, init_cfg=None)
    head = model.panoptic_head
    head.update(
        in_channels=[CHANNELS * 2**i for i in range(4)],
        feat_channels=CHANNELS,
        out_channels=CHANNELS)
    encoder = head.pixel_decoder.encoder.layer_cfg
    encoder.self_attn_cfg.embed_dims = encoder.ffn_cfg.embed_dims = CHANNELS
    encoder.ffn_cfg.feedforward_channels = CHANNELS * 4
    head.pixel_decoder.positional_encoding.num_feats = CHANNELS // 2
    head.positional_encoding.num_feats = CHANNELS // 2
    decoder = head.transformer_decoder.layer_cfg
    decoder.self_attn_cfg.embed_dims = decoder.cross_attn_cfg.embed_dims = CHANNELS
    decoder.ffn_cfg.embed_dims = CHANNELS
    decoder.ffn_cfg.feedforward_channels = CHANNELS * 8
    return model


def swap_head(model: Config, head: str) -> Config:
    """Only the head's type and the class counts (with ``class_weight``) change."""
    model = copy.deepcopy(model)
    classes = 1 if head == 'PartProposalHead' else N * K
    model.panoptic_head.type = head
    model.panoptic_head.loss_cls.class_weight = [1.0] * classes + [0.1]
    if head == 'PartProposalHead':
        model.panoptic_head.update(num_things_classes=1, num_stuff_classes=0)
    else:
        model.panoptic_head.pop('num_things_classes')
        model.panoptic_head.pop('num_stuff_classes')
        model.panoptic_head.update(num_object_classes=N, num_parts=K)
    model.panoptic_fusion_head.update(num_things_classes=classes, num_stuff_classes=0)
    return model


def stock_model(head: str) -> Config:
    return swap_head(tiny(Config.fromfile(STOCK).model), head)


def inputs(head: str, objects: bool = True, predict: bool = False) -> dict:
    """mmdet's demo inputs, with the object inputs the part models need: for
    training, parts of the sample's object class (``object_label``) as the
    instances; for the part detectors' inference, objects of that class as
    the instances and ``object_ids`` naming them."""
    packed = demo_mm_inputs(2, image_shapes=[(3, 128, 127), (3, 91, 92)], with_mask=True)
    for b, sample in enumerate(packed['data_samples']):
        count = len(sample.gt_instances)
        object_label = b % N
        if predict:
            sample.gt_instances.labels = torch.full((count, ), object_label)
        elif head == 'PartProposalHead':
            sample.gt_instances.labels = torch.zeros(count, dtype=torch.long)
        else:
            sample.gt_instances.labels = object_label * K + torch.arange(count) % K
        sample.set_metainfo(dict(object_label=object_label))
        if objects:
            sample.set_metainfo(dict(object_ids=list(range(100 * b, 100 * b + count))))
    return packed


HEADS = ['PartProposalHead', 'PartDistillationHead']


@pytest.mark.parametrize('head', HEADS)
def test_stock_mask2former_trains_and_predicts_with_the_part_head(head):
    torch.manual_seed(0)
    model = MODELS.build(stock_model(head))
    assert type(model).__name__ == 'Mask2Former'
    model.train()
    losses = model(**model.data_preprocessor(inputs(head), True), mode='loss')
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    model.eval()
    with torch.no_grad():
        results = model(**model.data_preprocessor(inputs(head), False), mode='predict')
    for b, result in enumerate(results):
        pred = result.pred_instances
        assert {'masks', 'labels', 'scores', 'bboxes'} <= set(pred.keys())
        assert pred.masks.shape[1:] == tuple(result.ori_shape)
        if head == 'PartProposalHead':
            assert (pred.labels == 0).all()
        else:
            top = pred.scores > 1e-3
            assert top.any() and (pred.labels[top] // K == b % N).all(), \
                'only the object class\'s parts score'


def project_model(head: str) -> Config:
    detector = 'PartProposalDetector' if head == 'PartProposalHead' else 'PartDistillationDetector'
    model = stock_model(head)
    model.update(type=detector, crop_sizes=((64, 64), ), max_per_object=5)
    return model


@pytest.mark.parametrize('head', HEADS)
def test_project_detectors_pass_mmdets_mask2former_tests(head):
    """MMDetection's TestMask2Former cases: init, loss, predict and tensor modes."""
    torch.manual_seed(0)
    model = MODELS.build(project_model(head))
    model.init_weights()
    assert model.backbone and model.panoptic_head
    losses = model(**model.data_preprocessor(inputs(head), True), mode='loss')
    assert isinstance(losses, dict)
    model.eval()
    with torch.no_grad():
        data = model.data_preprocessor(inputs(head, predict=True), False)
        results = model(**data, mode='predict')
        assert len(results) == 2 and isinstance(results[0], DetDataSample)
        out = model(**model.data_preprocessor(inputs(head), False), mode='tensor')
    assert isinstance(out, tuple)
    for result in results:
        pred = result.pred_instances
        assert {'masks', 'labels', 'scores', 'bboxes', 'part_ids', 'object_ids',
                'object_labels'} <= set(pred.keys())
        assert set(pred.object_ids.tolist()) <= set(result.object_ids)
        assert ('query_feats' in pred) == (head == 'PartProposalHead')
        assert (pred.object_labels == result.gt_instances.labels[0]).all()


@pytest.mark.parametrize('head', HEADS)
def test_missing_object_inputs_say_what_to_add(head):
    model = MODELS.build(project_model(head)).eval()
    data = model.data_preprocessor(inputs(head, objects=False, predict=True), False)
    with pytest.raises(ValueError, match='lacks metainfo object_ids.*PackDetInputs'):
        model(**data, mode='predict')
    data = model.data_preprocessor(inputs(head, predict=True), False)
    for sample in data['data_samples']:
        del sample.gt_instances
    with pytest.raises(ValueError, match='lacks gt_instances.*LoadAnnotations'):
        model(**data, mode='predict')


def test_detector_refuses_a_head_without_what_it_reads():
    model = project_model('PartProposalHead')
    model.type = 'PartDistillationDetector'
    with pytest.raises(TypeError, match='needs a PartDistillationHead, got PartProposalHead'):
        MODELS.build(model)


@pytest.mark.parametrize('head', HEADS)
def test_head_methods_return_what_mask2formers_return(head):
    torch.manual_seed(0)
    model = MODELS.build(stock_model(head)).eval()
    data = model.data_preprocessor(inputs(head), False)
    with torch.no_grad():
        feats = model.extract_feat(data['inputs'])
        outputs = model.panoptic_head.predict(feats, data['data_samples'])
        cls_logits, mask_logits, queries = model.panoptic_head.predict_with_queries(
            feats, data['data_samples'])
    assert len(outputs) == 2 and len(model.panoptic_head(feats, data['data_samples'])) == 2
    torch.testing.assert_close(outputs[0], cls_logits)
    assert queries.shape == (2, model.panoptic_head.num_queries, CHANNELS)
    torch.testing.assert_close(queries.norm(dim=-1), torch.ones(queries.shape[:2]))
