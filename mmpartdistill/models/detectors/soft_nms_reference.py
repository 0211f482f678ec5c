"""Soft-NMS of pooled part proposals written out proposal by proposal, as the
rule reads: the reference that ``PartProposalDetector.select`` is tested and
benchmarked against."""
from typing import List, Tuple

from torch import Tensor

from ..utils import mask_iou


def soft_nms_reference(masks: Tensor, scores: Tensor, dedup_iou: float,
                       max_per_object: int) -> Tuple[List[int], Tensor]:
    """The kept proposals' indices, best first, and their scores."""
    iou = mask_iou(masks)
    scores, remaining, order = scores.clone(), list(range(len(scores))), []
    while remaining and len(order) < max_per_object:
        best = max(remaining, key=lambda i: float(scores[i]))  # the first of equal scores
        order.append(best)
        remaining.remove(best)
        for i in remaining:
            if iou[best, i] > dedup_iou:
                scores[i] = scores[i] * (1 - iou[best, i])
    return order, scores[order]
