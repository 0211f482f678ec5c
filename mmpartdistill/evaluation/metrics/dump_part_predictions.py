"""DumpPartPredictions: writes ``pred_instances`` in the part prediction format."""
from typing import Optional, Sequence

from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from ...datasets.objects_file import ObjectsFile
from ...utils import atomic_write_json
from ...datasets.part_predictions import instances_to_predictions, predictions_to_records


@METRICS.register_module()
class DumpPartPredictions(BaseMetric):
    """Collects every sample's part predictions into one JSON file, written atomically.

    Args:
        objects_file: the objects file the predictions refer to.
        out_file: the ``.json`` file to write.
    """

    def __init__(self,
                 *,
                 objects_file: str,
                 out_file: str,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not out_file.endswith('.json'):
            raise ValueError(f'out_file must end with .json, got {out_file}')
        self.objects_file, self.out_file = objects_file, out_file
        self._objects: Optional[ObjectsFile] = None

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        if self._objects is None:
            self._objects = ObjectsFile.load(self.objects_file)
        for sample in data_samples:
            # one result per sample: MMEngine cuts results to the dataset's length
            self.results.append(
                predictions_to_records(
                    instances_to_predictions(sample['pred_instances']), self._objects))

    def compute_metrics(self, results: list) -> dict:
        records = [r for per_image in results for r in per_image]
        atomic_write_json(records, self.out_file)
        MMLogger.get_current_instance().info(f'{len(records)} part predictions written to '
                                             f'{self.out_file}')
        return {}
