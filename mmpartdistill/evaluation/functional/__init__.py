from .part_miou import accumulate, map_clusters, object_pixel_counts, summarize
from .proposal_recall import average_recall, object_recall_counts

__all__ = [
    'accumulate', 'average_recall', 'map_clusters', 'object_pixel_counts', 'object_recall_counts',
    'summarize'
]
