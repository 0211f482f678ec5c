from .masked_kmeans import MaskedKMeansResult, kmeanspp_init, masked_kmeans
from .masked_kmeans_reference import kmeanspp_init_reference, masked_kmeans_reference

__all__ = [
    'MaskedKMeansResult', 'kmeanspp_init', 'kmeanspp_init_reference', 'masked_kmeans',
    'masked_kmeans_reference'
]
