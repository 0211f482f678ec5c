"""Label-free K per object class: merge part clusters that the features do not separate.

Stage 3 clusters each class into the authors' K=8 and then merges, from the
features alone, pairs of clusters that look like one part cut in two. Two
clusters ``a``, ``b`` are projected on the axis through their centroids;
their separation is ``|mean_a - mean_b| / pooled standard deviation`` along
it. A single Gaussian blob that k-means cuts in half gives 2.65 (half-normal
means +-0.80 sigma, standard deviation 0.60 sigma); two blobs ``d`` sigmas
apart give about ``d``. Pairs below ``min_separation`` merge, closest first,
until every pair is separated.
"""
from typing import List

import numpy as np

# the separation of the two halves of one Gaussian blob cut at its mean
HALF_BLOB_SEPARATION = 2.65


def _separation(feats: np.ndarray, groups: List[np.ndarray], a: int, b: int) -> float:
    mean_a, mean_b = feats[groups[a]].mean(0), feats[groups[b]].mean(0)
    axis = mean_a - mean_b
    length = float(np.linalg.norm(axis))
    if length == 0.0:
        return 0.0
    axis /= length
    proj_a, proj_b = feats[groups[a]] @ axis, feats[groups[b]] @ axis
    n_a, n_b = len(proj_a), len(proj_b)
    pooled = (proj_a.var() * n_a + proj_b.var() * n_b) / (n_a + n_b)
    return float(abs(proj_a.mean() - proj_b.mean()) / max(np.sqrt(pooled), 1e-12))


def merge_part_clusters(feats: np.ndarray, centroids: np.ndarray,
                        min_separation: float) -> np.ndarray:
    """Unit-norm centroids ``[k', D]`` (``k' <= k``) of a class's features
    ``[n, D]`` after merging its k-means clusters (``centroids [k, D]``)
    closer than ``min_separation``; empty clusters are dropped. Clusters keep
    the order of their first member cluster."""
    feats = feats / np.linalg.norm(feats, axis=1, keepdims=True).clip(1e-12)
    labels = (feats @ centroids.T).argmax(1)
    groups = [np.flatnonzero(labels == j) for j in range(len(centroids))]
    groups = [g for g in groups if len(g)]
    while len(groups) > 1:
        pairs = [(_separation(feats, groups, a, b), a, b) for a in range(len(groups))
                 for b in range(a + 1, len(groups))]
        closest, a, b = min(pairs)
        if closest >= min_separation:
            break
        groups[a] = np.concatenate([groups[a], groups[b]])
        del groups[b]
    merged = np.stack([feats[g].mean(0) for g in groups])
    return (merged / np.linalg.norm(merged, axis=1, keepdims=True).clip(1e-12)).astype(np.float32)
