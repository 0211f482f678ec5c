"""Label-free K: clusters the features do not separate merge, separated parts stay."""
import numpy as np

from mmpartdistill.engine.ranking.cluster_merging import (HALF_BLOB_SEPARATION, merge_part_clusters)
from mmpartdistill.engine.ranking import cluster_with_op


def parts(num_parts: int, seed: int, dim: int = 32, per_part: int = 300, spread: float = 0.08):
    """Unit features of ``num_parts`` parts: unit directions plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    directions = rng.normal(size=(num_parts, dim))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    feats = np.concatenate([d + rng.normal(0, spread, (per_part, dim)) for d in directions])
    return (feats / np.linalg.norm(feats, axis=1, keepdims=True)).astype(np.float32)


def k8_centroids(feats: np.ndarray, seed: int) -> np.ndarray:
    offsets = np.array([0, len(feats)], np.int64)
    return cluster_with_op(feats.copy(), offsets, 8, 20, seed)[0]


def test_merging_recovers_the_number_of_parts():
    for true_k in (1, 2, 3, 5):
        for seed in range(3):
            feats = parts(true_k, seed)
            merged = merge_part_clusters(feats, k8_centroids(feats, seed), min_separation=4.0)
            assert len(merged) == true_k, (true_k, seed, len(merged))
            np.testing.assert_allclose(np.linalg.norm(merged, axis=1), 1.0, rtol=1e-5)


def test_one_blob_cut_in_half_separates_as_the_half_normal_predicts():
    rng = np.random.default_rng(0)
    feats = rng.normal(size=(20000, 2)) * [1.0, 0.01] + [0.0, 100.0]
    halves = np.array([[-1.0, 100.0], [1.0, 100.0]])
    halves /= np.linalg.norm(halves, axis=1, keepdims=True)
    # just above the predicted separation the halves merge; just below they stay
    assert len(merge_part_clusters(feats, halves, HALF_BLOB_SEPARATION + 0.1)) == 1
    assert len(merge_part_clusters(feats, halves, HALF_BLOB_SEPARATION - 0.1)) == 2


def test_empty_clusters_are_dropped_and_order_kept():
    feats = parts(2, 0, per_part=50)
    first, second = feats[:50].mean(0), feats[50:].mean(0)
    first, second = first / np.linalg.norm(first), second / np.linalg.norm(second)
    far = -(first + second) / np.linalg.norm(first + second)
    merged = merge_part_clusters(feats, np.stack([second, far, first]), 4.0)
    assert len(merged) == 2
    assert merged[0] @ second > 0.99 and merged[1] @ first > 0.99
