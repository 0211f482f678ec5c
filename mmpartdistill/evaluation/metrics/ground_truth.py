"""Shared data flow of the metrics that score ``pred_instances`` against ground-truth parts."""
from typing import List, Optional, Sequence

from mmengine.evaluator import BaseMetric

from ...datasets.objects_file import ObjectsFile
from ...datasets.parts_file import PartsFile
from ...datasets.part_predictions import PredictionsByObject, instances_to_predictions


class GroundTruthPartsMetric(BaseMetric):
    """Loads a split's ground-truth parts on first use and scores each image's objects.

    Subclasses implement :meth:`score_objects` (one result per object) and
    ``compute_metrics`` over the flattened per-object results.

    Args:
        objects_file: the split's objects file.
        parts_file: the split's ground-truth parts file.
    """

    def __init__(self,
                 *,
                 objects_file: str,
                 parts_file: str,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.objects_file, self.parts_file = objects_file, parts_file
        self._parts: Optional[PartsFile] = None

    @property
    def parts(self) -> PartsFile:
        if self._parts is None:
            self._parts = PartsFile.load(self.parts_file, ObjectsFile.load(self.objects_file))
        return self._parts

    def score_objects(self, object_ids: Sequence[int], predictions: PredictionsByObject) -> list:
        raise NotImplementedError

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            object_ids = self.parts.objects.objects_by_image[sample['img_id']]
            # one result per sample: MMEngine cuts results to the dataset's length
            self.results.append(
                self.score_objects(object_ids, instances_to_predictions(sample['pred_instances'])))

    @staticmethod
    def flatten(results: List[list]) -> list:
        return [item for per_image in results for item in per_image]
