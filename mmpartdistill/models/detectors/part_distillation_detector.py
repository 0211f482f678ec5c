"""PartDistillationDetector: class-specific part segmentation of given objects (stage 4)."""
from typing import List, Tuple

import torch
import torch.nn.functional as F
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample, SampleList
from mmdet.structures.bbox import get_box_tensor
from mmengine.structures import InstanceData
from torch import Tensor

from ...datasets.transforms import context_box
from ..dense_heads import PartDistillationHead
from .part_proposal_detector import PartProposalDetector


def best_query_map(part_prob: Tensor, prob: Tensor, budget: int = 1 << 20) -> Tensor:
    """``[K, h, w]`` map ``max_q part_prob[q, k] * prob[q]`` of ``[Q, K]`` part
    probabilities and ``[Q, h, w]`` masks, over tiles of pixels whose
    ``K x Q x tile`` products stay near ``budget`` elements (in cache)."""
    flat = prob.flatten(1)
    weights = part_prob.t()[:, :, None]
    tile = max(1, budget // part_prob.numel())
    out = flat.new_empty(part_prob.shape[1], flat.shape[1])
    for start in range(0, flat.shape[1], tile):
        out[:, start:start + tile] = (weights * flat[None, :, start:start + tile]).amax(1)
    return out.view(-1, *prob.shape[1:])


def summed_query_map(part_prob: Tensor, prob: Tensor) -> Tensor:
    """``[K, h, w]`` map ``sum_q part_prob[q, k] * prob[q]`` (Mask2Former's semantic inference)."""
    return torch.einsum('qk,qhw->khw', part_prob, prob)


PART_MAPS = dict(sum=summed_query_map, max=best_query_map)


@MODELS.register_module()
class PartDistillationDetector(PartProposalDetector):
    """Segments each given object into its class's parts.

    Trained like :class:`PartProposalDetector` on object-centred crops, with
    a :class:`PartDistillationHead` and class-specific part labels (stage 3's
    ranked parts, or an earlier round's predictions). At inference every
    object is cropped at each of ``crop_sizes``; per crop the part map is
    Mask2Former's semantic inference restricted to the object's class, with
    ``part_map='sum'`` (``sum_q P(q, k) * sigmoid(mask_q)`` for its K parts,
    Mask2Former's own) or ``'max'`` (``max_q P(q, k) * sigmoid(mask_q)``: a
    part's best query, so a part that many queries cover does not outweigh
    one that few cover); maps of all crop sizes are averaged and normalised
    over the K parts, and each object pixel takes its best part.

    ``pred_instances`` holds one mask per part present: ``masks`` (image
    size), ``bboxes``, ``scores`` (the part's mean share of its pixels) and
    ``labels`` (the head's class ``c * K + k``, as a stock Mask2Former with
    this head labels it), and ``part_ids`` (the cluster index k),
    ``object_ids`` and ``object_labels`` (the object's class c).
    """

    head_type = PartDistillationHead

    def __init__(self, *, part_map: str = 'sum', **kwargs) -> None:
        if part_map not in PART_MAPS:
            raise ValueError(f'part_map must be one of {tuple(PART_MAPS)}, got {part_map!r}')
        super().__init__(**kwargs)
        self.part_map = part_map

    def head_outputs(self, images: Tensor, samples: SampleList) -> Tuple[Tensor, Tensor, Tensor]:
        """Per crop: probabilities of the object's K parts ``[B, Q, K]``, mask
        logits ``[B, Q, H, W]`` and query features ``[B, Q, C]``."""
        return self.panoptic_head.predict_parts(self.extract_feat(images), samples)

    def object_output(self, sample: DetDataSample, m: int, object_mask: Tensor,
                      box: Tuple[int, int, int, int], size: Tuple[int, int], part_prob: Tensor,
                      mask_logits: Tensor, feats: Tensor) -> Tensor:
        """``[K, h, w]`` part map of object ``m`` over its context box."""
        x1, y1, x2, y2 = box
        logits = mask_logits[None, :, :size[0], :size[1]]
        prob = F.interpolate(
            logits, size=(y2 - y1, x2 - x1), mode='bilinear', align_corners=False)[0].sigmoid()
        return PART_MAPS[self.part_map](part_prob, prob)

    def combine(self, outputs: List[Tensor], sample: DetDataSample, m: int,
                object_mask: Tensor) -> InstanceData:
        """The object's parts from the mean part map of all crop sizes."""
        h, w = sample.img_shape
        x1, y1, x2, y2 = context_box(
            get_box_tensor(sample.gt_instances.bboxes)[m].tolist(), self.context, h, w)
        part_map = torch.stack(outputs).mean(0)
        # shares of tiny numbers stay ratios (an untrained model's are ~1e-7)
        part_map = part_map / part_map.sum(0, keepdim=True).clamp(min=1e-30)
        inside = object_mask[y1:y2, x1:x2]
        best = part_map.argmax(0)
        present = best[inside].unique()
        masks = inside.new_zeros((len(present), h, w))
        scores = part_map.new_zeros(len(present))
        for j, k in enumerate(present.tolist()):
            mine = inside & (best == k)
            masks[j, y1:y2, x1:x2] = mine
            scores[j] = part_map[k][mine].mean()
        object_label = int(sample.gt_instances.labels[m])
        return InstanceData(
            masks=masks,
            scores=scores,
            part_ids=present.long(),
            object_ids=torch.full_like(present, int(sample.object_ids[m])).long(),
            object_labels=torch.full_like(present, object_label).long(),
            labels=object_label * self.panoptic_head.num_parts + present.long())

    def empty(self, sample: DetDataSample) -> InstanceData:
        h, w = sample.img_shape
        none = torch.zeros(0, dtype=torch.long)
        return InstanceData(
            masks=torch.zeros((0, h, w), dtype=torch.bool),
            scores=torch.zeros(0),
            part_ids=none,
            object_ids=none.clone(),
            object_labels=none.clone(),
            labels=none.clone())
