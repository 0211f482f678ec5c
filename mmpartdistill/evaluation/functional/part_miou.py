"""Part mIoU under the unsupervised protocol of PartDistillation.

Per object (ground-truth mask and class given): predictions are cut to the
object, those with IoU <= ``iou_drop`` against every ground-truth part are
dropped, each pixel takes the part id of the highest-scoring prediction
covering it, and (predicted part id, ground-truth part) pixel counts are
accumulated per object class. Part ids (discovered clusters) are then mapped
to ground-truth parts per object class on the whole split, by majority vote
(several clusters may share a part) or one-to-one by Hungarian matching on
IoU (extra clusters stay unmatched and count as misses). A model trained on
ground-truth parts (few-shot fine-tuning) is scored with ``'identity'``:
part id k is the class's ground-truth part whose category has ``part_id`` k.
"""
from collections import defaultdict
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
from scipy.optimize import linear_sum_assignment

NO_PREDICTION = -1
MAPPINGS = ('majority', 'hungarian')
ALL_MAPPINGS = MAPPINGS + ('identity', )

# (object class id, {(predicted part id, gt part id): pixel count}) for one object
ObjectCounts = Tuple[int, Dict[Tuple[int, int], int]]


def mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0


def object_pixel_counts(object_mask: np.ndarray,
                        gt_labels: np.ndarray,
                        predictions: Sequence[Tuple[int, float, np.ndarray]],
                        iou_drop: float = 0.1) -> Dict[Tuple[int, int], int]:
    """Pixel counts of (predicted part id, ground-truth part id) inside one object.

    Args:
        object_mask: ``[H, W]`` ground-truth object mask.
        gt_labels: ``[H, W]`` ground-truth part ids, 0 where unlabelled (ignored).
        predictions: ``(part_id, score, mask)`` of the object's predicted parts.
        iou_drop: predictions with IoU <= this against every ground-truth part
            are dropped.
    """
    for part_id, _, mask in predictions:
        if mask.shape != gt_labels.shape:
            raise ValueError(f'part {part_id}: prediction mask of shape {mask.shape} on an object '
                             f'of shape {gt_labels.shape}; predict at the original image size')
    inside = object_mask.astype(bool)
    labelled = inside & (gt_labels > 0)
    gt_parts = [gt_labels == p for p in np.unique(gt_labels[labelled])]
    pred_map = np.full(gt_labels.shape, NO_PREDICTION, np.int64)
    # Paint in ascending score so that the highest-scoring prediction wins a pixel.
    for part_id, _, mask in sorted(predictions, key=lambda p: p[1]):
        cut = mask.astype(bool) & inside
        if max((mask_iou(cut, gt) for gt in gt_parts), default=0.0) <= iou_drop:
            continue
        pred_map[cut] = part_id
    pairs, counts = np.unique(
        np.stack([pred_map[labelled], gt_labels[labelled]]), axis=1, return_counts=True)
    return {(int(k), int(p)): int(c) for (k, p), c in zip(pairs.T, counts)}


def accumulate(objects: Iterable[ObjectCounts]) -> Dict[int, Dict[Tuple[int, int], int]]:
    """Sum per-object counts into per-class counts."""
    total: Dict[int, Dict[Tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    for class_id, counts in objects:
        for key, value in counts.items():
            total[class_id][key] += value
    return total


def map_clusters(confusion: np.ndarray, mapping: str) -> np.ndarray:
    """Ground-truth part column of every predicted cluster row (-1: unmapped)."""
    if confusion.shape[0] == 0:
        return np.zeros(0, np.int64)
    if mapping == 'majority':
        return np.where(confusion.sum(1) > 0, confusion.argmax(1), -1)
    if mapping == 'hungarian':
        union = confusion.sum(1, keepdims=True) + confusion.sum(0, keepdims=True) - confusion
        iou = np.divide(
            confusion, union, out=np.zeros_like(confusion, dtype=float), where=union > 0)
        rows, cols = linear_sum_assignment(-iou)
        assigned = np.full(confusion.shape[0], -1)
        assigned[rows] = cols
        return assigned
    raise ValueError(f'mapping must be one of {MAPPINGS}, got {mapping!r}')


def identity_map(clusters: Sequence[int], parts: Sequence[int], part_ids: Dict[int,
                                                                               int]) -> np.ndarray:
    """Column of the part whose ``part_id`` is the cluster's id, for every cluster (-1: none)."""
    missing = [p for p in parts if p not in part_ids]
    if missing:
        raise ValueError(f'identity mapping: ground-truth part categories {missing[:5]} have no '
                         'part_id; it needs a parts file whose categories number their parts')
    column = {part_ids[p]: j for j, p in enumerate(parts)}
    return np.array([column.get(k, -1) for k in clusters], np.int64)


def summarize(class_counts: Dict[int, Dict[Tuple[int, int], int]],
              parts_of_class: Dict[int, List[int]],
              mapping: str,
              part_ids: Optional[Dict[int, int]] = None) -> Dict[str, object]:
    """C-mIoU, A-mIoU, mACC and mIoPred (in %) plus per-class and per-part IoU.

    ``part_ids`` (ground-truth part category -> ``part_id``) is needed by the
    ``'identity'`` mapping only.

    A ground-truth part without pixels in the split is left out of every mean;
    a part that no cluster maps to scores 0.
    """
    part_scores: Dict[int, Tuple[float, float, float]] = {}
    class_miou: Dict[int, float] = {}
    for class_id, parts in parts_of_class.items():
        counts = class_counts.get(class_id, {})
        clusters = sorted({k for k, _ in counts if k != NO_PREDICTION})
        row = {k: i for i, k in enumerate(clusters)}
        col = {p: j for j, p in enumerate(parts)}
        confusion = np.zeros((len(clusters), len(parts)))
        gt_pixels = np.zeros(len(parts))
        for (k, p), c in counts.items():
            gt_pixels[col[p]] += c
            if k != NO_PREDICTION:
                confusion[row[k], col[p]] += c
        if mapping == 'identity':
            assigned = identity_map(clusters, parts, part_ids or {})
        else:
            assigned = map_clusters(confusion, mapping)
        ious = []
        for j, part_id in enumerate(parts):
            if gt_pixels[j] == 0:
                continue
            mapped = assigned == j
            tp = confusion[mapped, j].sum()
            predicted = confusion[mapped].sum()
            iou = tp / (gt_pixels[j] + predicted - tp)
            part_scores[part_id] = (iou, tp / gt_pixels[j], tp / predicted if predicted else 0.0)
            ious.append(iou)
        if ious:
            class_miou[class_id] = float(np.mean(ious))
    if not part_scores:
        raise ValueError('no ground-truth part pixels to evaluate')
    scores = np.array(list(part_scores.values()))
    return {
        'C-mIoU': 100 * float(np.mean(list(class_miou.values()))),
        'A-mIoU': 100 * float(scores[:, 0].mean()),
        'mACC': 100 * float(scores[:, 1].mean()),
        'mIoPred': 100 * float(scores[:, 2].mean()),
        'per_class_mIoU': {
            c: 100 * v
            for c, v in class_miou.items()
        },
        'per_part_IoU': {
            p: 100 * float(v[0])
            for p, v in part_scores.items()
        },
    }
