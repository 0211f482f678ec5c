from .dense_crf import dense_crf_available, refine_part_labels_dense, require_dense_crf
from .masked_kmeans import MaskedKMeansResult, kmeanspp_init, masked_kmeans
from .masked_kmeans_reference import (kmeanspp_init_reference, masked_kmeans_reference,
                                      restart_seed)
from .object_part_clustering import cluster_object_parts, concat_levels
from .part_refinement import drop_small_parts, refine_part_labels

__all__ = [
    'MaskedKMeansResult', 'cluster_object_parts', 'concat_levels', 'dense_crf_available',
    'drop_small_parts', 'kmeanspp_init', 'kmeanspp_init_reference', 'masked_kmeans',
    'masked_kmeans_reference', 'refine_part_labels', 'refine_part_labels_dense',
    'require_dense_crf', 'restart_seed'
]
