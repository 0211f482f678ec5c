from .class_clustering import cluster_classes, cluster_with_faiss, cluster_with_op
from .feature_bank import FeatureBank
from .part_ranker import PartRanker
from .part_selection import class_part_scores, kept_proposals, label_object, paint_by_score

__all__ = [
    'FeatureBank', 'PartRanker', 'class_part_scores', 'cluster_classes', 'cluster_with_faiss',
    'cluster_with_op', 'kept_proposals', 'label_object', 'paint_by_score'
]
