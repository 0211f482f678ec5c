"""PartProposalRecall: class-agnostic mask AR@N of part proposals as an MMEngine metric."""
from typing import Optional, Sequence

from mmdet.registry import METRICS

from ..evaluate import proposal_recall_counts, summarize_proposal_recall
from ...datasets.part_predictions import PredictionsByObject
from .ground_truth import GroundTruthPartsMetric


@METRICS.register_module()
class PartProposalRecall(GroundTruthPartsMetric):
    """Average recall over IoU 0.5:0.95 of each object's ground-truth parts.

    Args:
        objects_file: the split's objects file.
        parts_file: the split's ground-truth parts file.
        max_dets: the N of AR@N (top-N proposals per object by score).
        overlapping: score proposals as they are (True) or after turning the
            top-N into disjoint segments by per-pixel argmax (False).
    """
    default_prefix: Optional[str] = 'proposal'

    def __init__(self,
                 *,
                 objects_file: str,
                 parts_file: str,
                 max_dets: Sequence[int] = (10, 50, 100, 200),
                 overlapping: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(
            objects_file=objects_file,
            parts_file=parts_file,
            collect_device=collect_device,
            prefix=prefix)
        self.max_dets, self.overlapping = tuple(max_dets), overlapping

    def score_objects(self, object_ids: Sequence[int], predictions: PredictionsByObject) -> list:
        return proposal_recall_counts(self.parts, object_ids, predictions, self.max_dets,
                                      self.overlapping)

    def compute_metrics(self, results: list) -> dict:
        return summarize_proposal_recall(self.flatten(results), self.max_dets)
