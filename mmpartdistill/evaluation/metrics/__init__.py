from .dump_part_predictions import DumpPartPredictions
from .part_miou_metric import PartMIoUMetric
from .part_proposal_recall import PartProposalRecall

__all__ = ['DumpPartPredictions', 'PartMIoUMetric', 'PartProposalRecall']
