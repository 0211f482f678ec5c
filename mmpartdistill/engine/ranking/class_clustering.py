"""K part clusters per object class: faiss one class at a time, or the masked
k-means op for many classes at once (classes as instances of one packed batch)."""
from typing import Dict, List

import numpy as np
import torch

from ...ops import kmeanspp_init, masked_kmeans
from .feature_bank import FeatureBank

BACKENDS = ('auto', 'op', 'faiss')


def cluster_with_op(feats: List[np.ndarray],
                    k: int,
                    iters: int,
                    seed: int,
                    device: str = 'cpu') -> List[np.ndarray]:
    """Spherical k-means of every class in one call of the packed op."""
    sizes = torch.tensor([0] + [len(f) for f in feats], dtype=torch.long)
    points = torch.from_numpy(np.concatenate(feats)).float().to(device)
    result = masked_kmeans(points, sizes.cumsum(0).to(device), k, iters, metric='cosine', seed=seed)
    out = []
    for centroids in result.centroids.cpu():
        valid = centroids[~torch.isnan(centroids).any(1)]
        out.append(torch.nn.functional.normalize(valid, dim=1).numpy())
    return out


def cluster_with_faiss(feats: np.ndarray, k: int, iters: int, seed: int) -> np.ndarray:
    """Spherical k-means of one class with faiss (on the GPU when faiss has one),
    from the same seeded k-means++ start as the op."""
    import faiss
    if len(feats) <= k:  # fewer features than clusters: each feature is a cluster
        return feats / np.linalg.norm(feats, axis=1, keepdims=True).clip(1e-12)
    kmeans = faiss.Kmeans(
        feats.shape[1],
        k,
        niter=iters,
        seed=seed,
        spherical=True,
        gpu=faiss.get_num_gpus() > 0 if hasattr(faiss, 'get_num_gpus') else False,
        min_points_per_centroid=1,
        max_points_per_centroid=1 << 30,
        verbose=False)
    feats = np.ascontiguousarray(feats, np.float32)
    start = kmeanspp_init(
        torch.from_numpy(feats), torch.tensor([0, len(feats)], dtype=torch.long), k, seed)[0]
    kmeans.train(feats, init_centroids=start.numpy())
    return kmeans.centroids.copy()


def cluster_classes(bank: FeatureBank,
                    classes: List[int],
                    k: int,
                    iters: int = 20,
                    seed: int = 0,
                    memory_limit_mb: float = 1024.0,
                    backend: str = 'auto',
                    device: str = 'cpu',
                    op_max_points: int = 20000) -> Dict[int, np.ndarray]:
    """Unit-norm centroids ``[k_c, D]`` per class, ``k_c = min(k, features of c)``.

    Classes are loaded in batches that fit ``memory_limit_mb``. ``'op'``
    clusters a batch's classes together with the masked k-means op on
    ``device``; ``'faiss'`` one class at a time. ``'auto'`` takes faiss on
    the CPU, where it measured faster at every class size
    (benchmarks/bench_ranking.py), and on a GPU the op for the classes with
    at most ``op_max_points`` features (one launch for a whole batch), faiss
    for larger ones. A class without features gets no centroids.
    """
    if backend not in BACKENDS:
        raise ValueError(f'backend must be one of {BACKENDS}, got {backend!r}')
    if backend == 'auto':
        backend = 'faiss' if device == 'cpu' else 'auto'
    centroids: Dict[int, np.ndarray] = {}
    for batch in bank.batches([c for c in classes if bank.counts.get(c, 0)], memory_limit_mb):
        feats = {c: bank.load(c) for c in batch}
        small = [
            c for c in batch
            if backend == 'op' or (backend == 'auto' and len(feats[c]) <= op_max_points)
        ]
        if small:
            for c, cents in zip(small,
                                cluster_with_op([feats[c] for c in small], k, iters, seed, device)):
                centroids[c] = cents
        for c in batch:
            if c not in centroids:
                centroids[c] = cluster_with_faiss(feats[c], k, iters, seed)
        del feats
    return centroids
