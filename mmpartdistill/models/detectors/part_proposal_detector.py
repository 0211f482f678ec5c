"""PartProposalDetector: object-aware class-agnostic part proposals (stage 2)."""
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmdet.models.detectors import Mask2Former
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample, SampleList
from mmdet.structures.bbox import get_box_tensor
from mmdet.structures.mask import mask2bbox
from mmengine.structures import InstanceData
from torch import Tensor

from ...datasets.transforms import context_box
from ..dense_heads.query_mask2former_head import QueryMask2FormerHead
from ..utils import freeze_modules, mask_iou
from .object_inputs import check_objects

PROPOSAL_FEATURES = ('query', 'pixel_decoder')


@MODELS.register_module()
class PartProposalDetector(Mask2Former):
    """Mask2Former that proposes the parts of given objects.

    Training is Mask2Former's on object-centred crops (the pipeline's
    :class:`CropAroundObject`). At inference the data samples carry the
    objects (``gt_instances`` masks and labels, ``object_ids``), from ground
    truth or an instance model; each object is cropped with the same context,
    resized to fit each of ``crop_sizes``, and its proposals are pasted back
    and cut to the object mask. A proposal's score is its foreground
    probability x its mean mask probability x the fraction of it inside the
    object. Several crop sizes give several magnifications of the object;
    their proposals are pooled, and repeats are ranked down (soft-NMS).

    ``pred_instances`` holds per proposal what MMDetection's metrics and
    visualizer read, ``masks`` (image size), ``bboxes``, ``scores`` and
    ``labels`` (0, the head's one foreground class), and ``query_feats``
    (each proposal's unit-norm feature, see ``proposal_features``),
    ``part_ids`` (the query index), ``object_ids`` and ``object_labels``
    (the object's class).

    The objects are inputs: a data sample without them is an error that
    says what to add to the test pipeline.

    Args:
        crop_sizes: the ``(h, w)`` sizes each object crop is resized to fit.
        context: crop margin on each side, as a fraction of the object's size.
        max_per_object: proposals kept per object, best first.
        dedup_iou: mask IoU above which a lower-scored proposal repeats a
            better one and has its score scaled by ``1 - IoU``.
        mask_thr: probability above which a pixel belongs to a proposal.
        crop_batch: object crops per forward pass (bounds memory).
        proposal_features: what each proposal's feature (the one stage 3
            clusters) is made of, concatenated in this order when several:
            ``'query'``, its query embedding (the authors'), and
            ``'pixel_decoder'``, the pixel decoder's mask features averaged
            over the proposal's pixels inside the object, weighted by its
            mask probability. Each is L2-normalised, and so is the whole.
        frozen_modules: dotted names of submodules whose weights stay fixed
            and whose normalisation stays in eval mode (the authors freeze
            ``backbone`` and ``panoptic_head.pixel_decoder.encoder``).
        **kwargs: :class:`Mask2Former`'s arguments.
    """

    head_type: type = QueryMask2FormerHead

    def __init__(self,
                 *,
                 crop_sizes: Sequence[Tuple[int, int]] = ((640, 640), ),
                 context: float = 0.25,
                 max_per_object: int = 200,
                 mask_thr: float = 0.5,
                 dedup_iou: float = 0.7,
                 crop_batch: int = 8,
                 frozen_modules: Sequence[str] = (),
                 proposal_features: Sequence[str] = ('query', ),
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if not crop_sizes:
            raise ValueError('crop_sizes must name at least one (h, w)')
        if not proposal_features or set(proposal_features) - set(PROPOSAL_FEATURES) or len(
                set(proposal_features)) != len(proposal_features):
            raise ValueError('proposal_features must name some of '
                             f'{PROPOSAL_FEATURES}, each once, got {proposal_features!r}')
        self.proposal_features = tuple(proposal_features)
        self.crop_sizes = [tuple(size) for size in crop_sizes]
        self.context, self.max_per_object, self.mask_thr = context, max_per_object, mask_thr
        self.dedup_iou, self.crop_batch = dedup_iou, crop_batch
        if not isinstance(self.panoptic_head, self.head_type):
            raise TypeError(f'{type(self).__name__} needs a {self.head_type.__name__}, got '
                            f'{type(self.panoptic_head).__name__}')
        self.frozen = freeze_modules(self, frozen_modules)
        self.train(self.training)

    def train(self, mode: bool = True) -> 'PartProposalDetector':
        super().train(mode)
        for module in getattr(self, 'frozen', ()):
            module.eval()
        return self

    def predict(self,
                batch_inputs: Tensor,
                batch_data_samples: SampleList,
                rescale: bool = True) -> SampleList:
        check_objects(batch_data_samples, type(self).__name__)
        crops = [(i, m) for i, sample in enumerate(batch_data_samples)
                 for m in range(len(sample.gt_instances))]
        found: Dict[Tuple[int, int], list] = {crop: [] for crop in crops}
        object_masks = [
            sample.gt_instances.masks.to_tensor(torch.bool, batch_inputs.device)
            for sample in batch_data_samples
        ]
        for crop_size in self.crop_sizes:
            for start in range(0, len(crops), self.crop_batch):
                chunk = crops[start:start + self.crop_batch]
                boxes, images, sizes = self.crop_objects(batch_inputs, batch_data_samples, chunk,
                                                         crop_size)
                samples = [
                    DetDataSample(
                        metainfo=dict(
                            batch_input_shape=crop_size,
                            img_shape=crop_size,
                            object_label=int(batch_data_samples[i].gt_instances.labels[m])))
                    for i, m in chunk
                ]
                outputs = self.head_outputs(images, samples)
                for j, (i, m) in enumerate(chunk):
                    found[(i, m)].append(
                        self.object_output(batch_data_samples[i], m, object_masks[i][m], boxes[j],
                                           sizes[j], *(out[j] for out in outputs)))
        for i, sample in enumerate(batch_data_samples):
            mine = [
                self.combine(found[crop], sample, crop[1], object_masks[i][crop[1]])
                for crop in crops if crop[0] == i
            ]
            parts = self.to_image_size(
                InstanceData.cat(mine) if mine else self.empty(sample), sample, rescale)
            parts.bboxes = mask2bbox(parts.masks)
            sample.pred_instances = parts
        return batch_data_samples

    def head_outputs(self, images: Tensor,
                     samples: SampleList) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        """Per crop: foreground probabilities ``[B, Q]``, mask logits
        ``[B, Q, H, W]``, query features ``[B, Q, C]`` and the pixel
        decoder's mask features ``[B, C', H/4, W/4]``."""
        cls_logits, mask_logits, feats = self.panoptic_head.predict_with_queries(
            self.extract_feat(images), samples)
        return (cls_logits.softmax(-1)[..., 0], mask_logits, feats,
                self.panoptic_head.last_mask_feature)

    def combine(self, outputs: List[InstanceData], sample: DetDataSample, m: int,
                object_mask: Tensor) -> InstanceData:
        """One object's proposals from all crop sizes, pooled and selected."""
        return self.select(InstanceData.cat(outputs))

    def select(self, proposals: InstanceData) -> InstanceData:
        """Soft-NMS over the pooled proposals, then the best ``max_per_object``.

        Taking proposals best first, each one whose mask IoU with the one just
        taken exceeds ``dedup_iou`` has its score scaled by ``1 - IoU``: the
        magnifications repeat each other, and a repeat should rank after
        proposals that add something, yet stay available further down. Ties go
        to the lower index. Each step is tensor work on the device, with no
        host sync per proposal.
        """
        iou = mask_iou(proposals.masks)
        scores = proposals.scores.clone()
        taken = torch.zeros_like(scores, dtype=torch.bool)
        order = scores.new_empty(min(len(proposals), self.max_per_object), dtype=torch.long)
        for step in range(len(order)):
            order[step] = best = scores.masked_fill(taken, float('-inf')).argmax()
            taken[best] = True
            overlap = iou[best]
            scores = torch.where((overlap > self.dedup_iou) & ~taken, scores * (1 - overlap),
                                 scores)
        selected = proposals[order]
        selected.scores = scores[order]
        return selected

    def crop_objects(self, batch_inputs: Tensor, samples: SampleList, chunk: List[Tuple[int, int]],
                     crop_size: Tuple[int, int]) -> Tuple[list, Tensor, list]:
        """Context boxes, crops resized to fit ``crop_size`` (zero padded), resized sizes."""
        out_h, out_w = crop_size
        images = batch_inputs.new_zeros((len(chunk), batch_inputs.shape[1], out_h, out_w))
        boxes, sizes = [], []
        for j, (i, m) in enumerate(chunk):
            h, w = samples[i].img_shape
            box = context_box(
                get_box_tensor(samples[i].gt_instances.bboxes)[m].tolist(), self.context, h, w)
            x1, y1, x2, y2 = box
            scale = min(out_h / (y2 - y1), out_w / (x2 - x1))
            size = (max(1, round((y2 - y1) * scale)), max(1, round((x2 - x1) * scale)))
            crop = batch_inputs[i:i + 1, :, y1:y2, x1:x2].float()
            images[j, :, :size[0], :size[1]] = F.interpolate(
                crop, size=size, mode='bilinear', align_corners=False)[0]
            boxes.append(box)
            sizes.append(size)
        return boxes, images, sizes

    def object_output(self, sample: DetDataSample, m: int, object_mask: Tensor,
                      box: Tuple[int, int, int, int], size: Tuple[int, int], fg: Tensor,
                      mask_logits: Tensor, queries: Tensor, mask_feature: Tensor) -> InstanceData:
        """Proposals of object ``m`` (mask ``object_mask``), as image-size masks cut to it."""
        x1, y1, x2, y2 = box
        logits = mask_logits[None, :, :size[0], :size[1]]
        prob = F.interpolate(
            logits, size=(y2 - y1, x2 - x1), mode='bilinear', align_corners=False)[0].sigmoid()
        obj = object_mask[y1:y2, x1:x2]
        whole = prob > self.mask_thr
        inside = whole & obj
        area = inside.flatten(1).sum(1)
        mask_score = (prob * inside).flatten(1).sum(1) / area.clamp(min=1)
        inside_fraction = area / whole.flatten(1).sum(1).clamp(min=1)
        scores = fg * mask_score * inside_fraction
        feats = self.features_of(queries, mask_feature, prob, obj, size)
        keep = torch.nonzero(area > 0).flatten()
        h, w = sample.img_shape
        masks = inside.new_zeros((len(keep), h, w))
        masks[:, y1:y2, x1:x2] = inside[keep]
        return InstanceData(
            masks=masks,
            scores=scores[keep],
            query_feats=feats[keep],
            part_ids=keep,
            object_ids=torch.full_like(keep, int(sample.object_ids[m])),
            object_labels=torch.full_like(keep, int(sample.gt_instances.labels[m])),
            labels=torch.zeros_like(keep))

    def features_of(self, queries: Tensor, mask_feature: Tensor, prob: Tensor, obj: Tensor,
                    size: Tuple[int, int]) -> Tensor:
        """``[Q, D]`` proposal features (``proposal_features``) of one crop
        whose valid part is ``size``; ``prob [Q, h, w]`` are the proposals'
        mask probabilities over the object's context box, ``obj [h, w]`` the
        object there."""
        if self.proposal_features == ('query', ):
            return queries
        parts = []
        for name in self.proposal_features:
            if name == 'query':
                parts.append(queries)
                continue
            weights = prob * obj
            # the mask features are at stride 4 of the crop
            valid = mask_feature[None, :, :-(-size[0] // 4), :-(-size[1] // 4)]
            pixels = F.interpolate(
                valid, size=weights.shape[1:], mode='bilinear', align_corners=False)[0]
            pooled = torch.einsum('qhw,chw->qc', weights, pixels)
            parts.append(F.normalize(pooled / weights.flatten(1).sum(1, keepdim=True).clamp(
                min=1e-6), dim=-1))
        return parts[0] if len(parts) == 1 else F.normalize(torch.cat(parts, 1), dim=-1)

    def feature_dim(self) -> int:
        """Length of a proposal feature."""
        head = self.panoptic_head
        dims = dict(
            query=head.query_feat.weight.shape[1],
            pixel_decoder=head.pixel_decoder.mask_feature.out_channels)
        return sum(dims[name] for name in self.proposal_features)

    def empty(self, sample: DetDataSample) -> InstanceData:
        h, w = sample.img_shape
        channels = self.feature_dim()
        none = torch.zeros(0, dtype=torch.long)
        return InstanceData(
            masks=torch.zeros((0, h, w), dtype=torch.bool),
            scores=torch.zeros(0),
            query_feats=torch.zeros((0, channels)),
            part_ids=none,
            object_ids=none.clone(),
            object_labels=none.clone(),
            labels=none.clone())

    @staticmethod
    def to_image_size(parts: InstanceData, sample: DetDataSample, rescale: bool) -> InstanceData:
        """Masks at the original image size when the test pipeline resized it."""
        ori = tuple(sample.ori_shape)
        if rescale and tuple(sample.img_shape) != ori and len(parts):
            parts.masks = F.interpolate(
                parts.masks[None].float(), size=ori, mode='nearest')[0].bool()
        return parts
