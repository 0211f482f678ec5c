from .evaluate import evaluate_part_predictions
from .manual_ratings import RatingsError, read_ratings, summarize_ratings
from .metrics import DumpPartPredictions, PartMapIoUMetric, PartMIoUMetric, PartProposalRecall
from .spread import mean_std

__all__ = [
    'DumpPartPredictions', 'PartMIoUMetric', 'PartMapIoUMetric', 'PartProposalRecall',
    'RatingsError', 'evaluate_part_predictions', 'mean_std', 'read_ratings', 'summarize_ratings'
]
