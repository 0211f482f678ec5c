"""PartProposalRecall: class-agnostic mask AR@N of part proposals as an MMEngine metric."""
from typing import Optional, Sequence

from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric

from ..evaluate import proposal_recall_counts, summarize_proposal_recall
from ..part_predictions import instances_to_predictions
from ..parts_file import PartsFile
from .ground_truth import load_ground_truth


@METRICS.register_module()
class PartProposalRecall(BaseMetric):
    """Average recall over IoU 0.5:0.95 of each object's ground-truth parts.

    Args:
        objects_file: the split's objects file.
        parts_file: the split's ground-truth parts file.
        max_dets: the N of AR@N (top-N proposals per object by score).
        overlapping: score proposals as they are (True) or after turning the
            top-N into disjoint segments by per-pixel argmax (False).
    """
    default_prefix: Optional[str] = 'proposal'

    def __init__(self, *, objects_file: str, parts_file: str,
                 max_dets: Sequence[int] = (10, 50, 100, 200), overlapping: bool = True,
                 collect_device: str = 'cpu', prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.objects_file, self.parts_file = objects_file, parts_file
        self.max_dets, self.overlapping = tuple(max_dets), overlapping
        self._parts: Optional[PartsFile] = None

    @property
    def parts(self) -> PartsFile:
        if self._parts is None:
            self._parts = load_ground_truth(self.objects_file, self.parts_file)
        return self._parts

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            predictions = instances_to_predictions(sample['pred_parts'])
            object_ids = self.parts.objects.objects_by_image[sample['img_id']]
            # one result per sample: MMEngine cuts results to the dataset's length
            self.results.append(proposal_recall_counts(self.parts, object_ids, predictions,
                                                       self.max_dets, self.overlapping))

    def compute_metrics(self, results: list) -> dict:
        return summarize_proposal_recall([c for per_image in results for c in per_image],
                                         self.max_dets)
