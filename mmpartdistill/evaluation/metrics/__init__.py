from .dump_part_predictions import DumpPartPredictions
from .part_map_iou_metric import PartMapIoUMetric
from .part_miou_metric import PartMIoUMetric
from .part_proposal_recall import PartProposalRecall

__all__ = ['DumpPartPredictions', 'PartMIoUMetric', 'PartMapIoUMetric', 'PartProposalRecall']
