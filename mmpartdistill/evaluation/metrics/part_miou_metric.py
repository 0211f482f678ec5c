"""PartMIoUMetric: the authors' unsupervised part-segmentation protocol as an MMEngine metric."""
from typing import Optional, Sequence

from mmdet.registry import METRICS
from mmengine.logging import MMLogger

from ..evaluate import part_miou_counts, summarize_part_miou
from ..functional.part_miou import ALL_MAPPINGS, MAPPINGS
from ...datasets.part_predictions import PredictionsByObject
from .ground_truth import GroundTruthPartsMetric

REPORTED = ('C-mIoU', 'A-mIoU', 'mACC', 'mIoPred')


@METRICS.register_module()
class PartMIoUMetric(GroundTruthPartsMetric):
    """C-mIoU, A-mIoU, mACC and mIoPred of predicted parts, per cluster mapping.

    Reads the ground-truth parts itself (no training path touches them) and
    scores each data sample's ``pred_instances`` against the objects of its image.

    Args:
        objects_file: the split's objects file.
        parts_file: the split's ground-truth parts file.
        iou_drop: predictions with IoU <= this to every ground-truth part are dropped.
        mappings: cluster-to-part mappings to report: ``'majority'`` (the
            authors' vote) and/or ``'hungarian'`` (one-to-one); ``'identity'``
            for a model trained on ground-truth parts (few-shot fine-tuning).
    """
    default_prefix: Optional[str] = 'part'

    def __init__(self,
                 *,
                 objects_file: str,
                 parts_file: str,
                 iou_drop: float = 0.1,
                 mappings: Sequence[str] = MAPPINGS,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(
            objects_file=objects_file,
            parts_file=parts_file,
            collect_device=collect_device,
            prefix=prefix)
        unknown = set(mappings) - set(ALL_MAPPINGS)
        if unknown:
            raise ValueError(f'unknown mappings {sorted(unknown)}; choose from {ALL_MAPPINGS}')
        self.iou_drop, self.mappings = iou_drop, tuple(mappings)

    def score_objects(self, object_ids: Sequence[int], predictions: PredictionsByObject) -> list:
        return part_miou_counts(self.parts, object_ids, predictions, self.iou_drop)

    def compute_metrics(self, results: list) -> dict:
        summary = summarize_part_miou(self.parts, self.flatten(results), self.mappings)
        logger = MMLogger.get_current_instance()
        metrics = {}
        for mapping, scores in summary.items():
            names = {c: self.parts.objects.categories[c]['name'] for c in scores['per_class_mIoU']}
            logger.info(f'part mIoU per class ({mapping}): ' +
                        ', '.join(f'{names[c]} {v:.1f}'
                                  for c, v in scores['per_class_mIoU'].items()))
            metrics.update({f'{mapping}/{key}': scores[key] for key in REPORTED})
        return metrics
