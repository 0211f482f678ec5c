"""K part clusters per object class: faiss one class at a time, or the masked
k-means op for many classes at once (classes as instances of one packed batch)."""
from typing import Dict, List

import numpy as np
import torch

from ...ops import kmeanspp_init, masked_kmeans, restart_seed
from .feature_bank import FeatureBank

BACKENDS = ('auto', 'op', 'faiss')
# Features per call of the op: plenty of classes for every thread, in a buffer
# small enough that touching its pages once stays cheap.
OP_CHUNK_MB = 64.0


def cluster_with_op(points: np.ndarray,
                    offsets: np.ndarray,
                    k: int,
                    iters: int,
                    seed: int,
                    device: str = 'cpu',
                    restarts: int = 1) -> List[np.ndarray]:
    """Spherical k-means of every class of a packed batch (``points [N, D]``,
    class ``i`` owning rows ``offsets[i]:offsets[i + 1]``) in one call of the
    op, each class keeping the best of ``restarts`` seeded starts. ``points``
    is normalised in place, so that the op need not copy it."""
    norms = np.sqrt(np.einsum('ij,ij->i', points, points))
    points /= np.maximum(norms, 1e-12)[:, None]
    result = masked_kmeans(
        torch.from_numpy(points).to(device),
        torch.from_numpy(offsets).to(device),
        k,
        iters,
        metric='cosine',
        seed=seed,
        n_init=restarts)
    out = []
    for centroids in result.centroids.cpu():
        valid = centroids[~torch.isnan(centroids).any(1)]
        out.append(torch.nn.functional.normalize(valid, dim=1).numpy())
    return out


def cluster_with_faiss(feats: np.ndarray,
                       k: int,
                       iters: int,
                       seed: int,
                       restarts: int = 1) -> np.ndarray:
    """Spherical k-means of one class with faiss (on the GPU when faiss has one),
    from the same seeded k-means++ starts as the op; of ``restarts`` starts,
    the one whose features are closest to their centroids (highest summed
    cosine) wins."""
    import faiss
    if len(feats) <= k:  # fewer features than clusters: each feature is a cluster
        return feats / np.linalg.norm(feats, axis=1, keepdims=True).clip(1e-12)
    feats = np.ascontiguousarray(feats, np.float32)
    unit = feats / np.linalg.norm(feats, axis=1, keepdims=True).clip(1e-12)
    packed = torch.from_numpy(feats), torch.tensor([0, len(feats)], dtype=torch.long)
    best, best_fit = None, -np.inf
    for r in range(restarts):
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
        start = kmeanspp_init(*packed, k, restart_seed(seed, r))[0]
        kmeans.train(feats, init_centroids=start.numpy())
        fit = float((unit @ kmeans.centroids.T).max(1).sum())
        if fit > best_fit:
            best, best_fit = kmeans.centroids.copy(), fit
    return best


def cluster_classes(bank: FeatureBank,
                    classes: List[int],
                    k: int,
                    iters: int = 20,
                    seed: int = 0,
                    memory_limit_mb: float = 1024.0,
                    backend: str = 'auto',
                    device: str = 'cpu',
                    op_max_points: int = 20000,
                    restarts: int = 1) -> Dict[int, np.ndarray]:
    """Unit-norm centroids ``[k_c, D]`` per class, ``k_c = min(k, features of c)``.

    Classes are loaded in batches that fit ``memory_limit_mb``. ``'op'``
    clusters a batch's classes together with the masked k-means op on
    ``device``, read straight into one packed array; ``'faiss'`` one class at
    a time. ``'auto'`` takes the op for the classes with at most
    ``op_max_points`` features (on the CPU it measured 1.65-2.3x faster than
    faiss at the same mean cosine to the centroids, benchmarks/bench_ranking.py)
    and faiss for larger ones, which faiss spreads over all threads while the
    op gives one instance one thread. Each class keeps the best of
    ``restarts`` seeded k-means++ starts (lowest inertia). A class without
    features gets no centroids.
    """
    if backend not in BACKENDS:
        raise ValueError(f'backend must be one of {BACKENDS}, got {backend!r}')
    centroids: Dict[int, np.ndarray] = {}
    buffer = None  # reused by every chunk: fresh pages cost as much as clustering them
    for batch in bank.batches([c for c in classes if bank.counts.get(c, 0)], memory_limit_mb):
        on_op = [
            c for c in batch
            if backend == 'op' or (backend == 'auto' and bank.counts[c] <= op_max_points)
        ]
        for chunk in bank.batches(on_op, OP_CHUNK_MB):
            points, offsets = bank.load_packed(chunk, out=buffer)
            buffer = points if buffer is None or len(points) > len(buffer) else buffer
            clustered = cluster_with_op(points, offsets, k, iters, seed, device, restarts)
            for c, cents in zip(chunk, clustered):
                centroids[c] = cents
        for c in batch:
            if c not in centroids:
                centroids[c] = cluster_with_faiss(bank.load(c), k, iters, seed, restarts)
    return centroids
