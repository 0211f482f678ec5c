"""Scoring of part predictions from any source against ground-truth parts."""
from typing import Dict, List, Sequence

from .functional.part_miou import MAPPINGS, ObjectCounts, accumulate, object_pixel_counts, summarize
from .functional.proposal_recall import average_recall, object_recall_counts
from ..datasets.part_predictions import PredictionsByObject
from ..datasets.parts_file import PartsFile


def part_miou_counts(parts: PartsFile,
                     object_ids: Sequence[int],
                     predictions: PredictionsByObject,
                     iou_drop: float = 0.1) -> List[ObjectCounts]:
    """Per-object pixel counts; an object without predictions counts as all missed."""
    counts = []
    for obj_id in object_ids:
        mask = parts.objects.mask(obj_id)
        gt = parts.part_label_map(obj_id) * mask
        counts.append((parts.objects.objects[obj_id]['category_id'],
                       object_pixel_counts(mask, gt, predictions.get(obj_id, []), iou_drop)))
    return counts


def summarize_part_miou(parts: PartsFile,
                        counts: List[ObjectCounts],
                        mappings: Sequence[str] = MAPPINGS) -> Dict[str, dict]:
    """The summary of :func:`summarize` for each cluster-to-part mapping."""
    class_counts = accumulate(counts)
    part_ids = {c: cat['part_id'] for c, cat in parts.categories.items() if 'part_id' in cat}
    return {m: summarize(class_counts, parts.parts_of_class, m, part_ids) for m in mappings}


def proposal_recall_counts(parts: PartsFile,
                           object_ids: Sequence[int],
                           predictions: PredictionsByObject,
                           max_dets: Sequence[int],
                           overlapping: bool = True) -> List[tuple]:
    """Per-object (matched counts, number of ground-truth parts)."""
    out = []
    for obj_id in object_ids:
        mask = parts.objects.mask(obj_id)
        gt_masks = parts.part_masks(obj_id) & mask
        proposals = [(score, m) for _, score, m in predictions.get(obj_id, [])]
        out.append((object_recall_counts(mask, gt_masks, proposals, max_dets,
                                         overlapping), len(gt_masks)))
    return out


def summarize_proposal_recall(counts: List[tuple], max_dets: Sequence[int]) -> Dict[str, float]:
    return average_recall([c for c, _ in counts], sum(n for _, n in counts), max_dets)


def evaluate_part_predictions(
        parts: PartsFile,
        predictions: PredictionsByObject,
        iou_drop: float = 0.1,
        max_dets: Sequence[int] = (10, 50, 100, 200)) -> Dict[str, dict]:
    """Every score of the ruler for one set of predictions over the whole split."""
    object_ids = sorted(parts.objects.objects)
    return dict(
        part_miou=summarize_part_miou(parts,
                                      part_miou_counts(parts, object_ids, predictions, iou_drop)),
        proposal_recall=summarize_proposal_recall(
            proposal_recall_counts(parts, object_ids, predictions, max_dets), max_dets))
