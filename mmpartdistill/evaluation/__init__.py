from .evaluate import evaluate_part_predictions
from .metrics import DumpPartPredictions, PartMapIoUMetric, PartMIoUMetric, PartProposalRecall
from .part_predictions import load_predictions, predictions_to_records

__all__ = [
    'DumpPartPredictions', 'PartMIoUMetric', 'PartMapIoUMetric', 'PartProposalRecall',
    'evaluate_part_predictions', 'load_predictions', 'predictions_to_records'
]
