from .evaluate import evaluate_part_predictions
from .metrics import DumpPartPredictions, PartMapIoUMetric, PartMIoUMetric, PartProposalRecall

__all__ = [
    'DumpPartPredictions', 'PartMIoUMetric', 'PartMapIoUMetric', 'PartProposalRecall',
    'evaluate_part_predictions'
]
