"""Class-agnostic mask average recall of part proposals (AR@N, IoU 0.5:0.95)."""
from typing import Dict, List, Sequence, Tuple

import numpy as np

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)


def non_overlapping(masks: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Give every pixel to the highest-scoring proposal covering it."""
    if len(masks) == 0:
        return masks
    order = np.argsort(-scores, kind='stable')
    winner = np.where(masks.any(0), order[np.argmax(masks[order], axis=0)], -1)
    return np.stack([winner == i for i in range(len(masks))])


def greedy_matches(ious: np.ndarray, threshold: float) -> int:
    """COCO-style matching: proposals in score order each take the unmatched
    ground truth of highest IoU at or above ``threshold``. ``ious`` is
    ``[proposals (score order), ground truths]``."""
    taken = np.zeros(ious.shape[1], bool)
    for row in ious:
        candidates = np.where(~taken & (row >= threshold), row, -1.0)
        best = int(np.argmax(candidates)) if len(candidates) else -1
        if best >= 0 and candidates[best] >= 0:
            taken[best] = True
    return int(taken.sum())


def pairwise_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every mask of ``a [P, H, W]`` with every mask of ``b [G, H, W]``."""
    fa, fb = a.reshape(len(a), -1).astype(np.float32), b.reshape(len(b), -1).astype(np.float32)
    inter = fa @ fb.T
    union = fa.sum(1)[:, None] + fb.sum(1)[None] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def object_recall_counts(object_mask: np.ndarray,
                         gt_parts: np.ndarray,
                         proposals: Sequence[Tuple[float, np.ndarray]],
                         max_dets: Sequence[int],
                         overlapping: bool = True) -> np.ndarray:
    """Matched ground-truth parts ``[len(max_dets), len(IOU_THRESHOLDS)]`` of one object.

    Proposals are cut to the object; with ``overlapping=False`` the top-N
    are first turned into disjoint segments by per-pixel argmax.
    """
    matched = np.zeros((len(max_dets), len(IOU_THRESHOLDS)), np.int64)
    if len(gt_parts) == 0 or len(proposals) == 0:
        return matched
    ranked = sorted(proposals, key=lambda p: -p[0])
    scores = np.array([s for s, _ in ranked])
    masks = np.stack([m.astype(bool) & object_mask.astype(bool) for _, m in ranked])
    for i, n in enumerate(max_dets):
        top = masks[:n] if overlapping else non_overlapping(masks[:n], scores[:n])
        ious = pairwise_iou(top, gt_parts)
        matched[i] = [greedy_matches(ious, t) for t in IOU_THRESHOLDS]
    return matched


def average_recall(matched: List[np.ndarray], num_gt: int,
                   max_dets: Sequence[int]) -> Dict[str, float]:
    """AR@N in % from the per-object matched counts and the number of ground-truth parts."""
    if num_gt == 0:
        raise ValueError('no ground-truth parts to recall')
    total = np.sum(matched, axis=0)
    return {f'AR@{n}': 100 * float(total[i].mean() / num_gt) for i, n in enumerate(max_dets)}
