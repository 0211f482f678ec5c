"""Pure-PyTorch reference of the masked k-means op, rule for rule.

Plain on purpose, one instance at a time: the tests hold the compiled op to
it, and the benchmark uses it as the batched-PyTorch baseline.
"""
import math
from typing import Optional

import torch

from .masked_kmeans import METRICS, MaskedKMeansResult, check_packed, prepare_points

_MASK64 = (1 << 64) - 1


def _splitmix64(x: int) -> int:
    z = (x + 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _uniform01(seed: int, instance: int, draw: int) -> float:
    stream = _splitmix64((seed + 0x9E3779B97F4A7C15 * (instance + 1)) & _MASK64)
    return (_splitmix64((stream + draw) & _MASK64) >> 11) * (1.0 / 9007199254740992.0)


def _uniform_index(seed: int, instance: int, draw: int, n: int) -> int:
    return min(int(_uniform01(seed, instance, draw) * n), n - 1)


def _sqdist(xnorm: torch.Tensor, dots: torch.Tensor, cnorm: torch.Tensor) -> torch.Tensor:
    return (xnorm - 2 * dots + cnorm).clamp_min(0)


def kmeanspp_init_reference(points: torch.Tensor,
                            offsets: torch.Tensor,
                            k: int,
                            seed: int = 0) -> torch.Tensor:
    """k-means++ seeding with the op's counter-based draws."""
    check_packed(points, offsets)
    points = points.float()
    out = torch.full((offsets.numel() - 1, k, points.shape[1]), math.nan, device=points.device)
    for b in range(offsets.numel() - 1):
        x = points[offsets[b]:offsets[b + 1]]
        n = x.shape[0]
        if n <= k:
            out[b, :n] = x
            continue
        xnorm = (x * x).sum(1)
        d2 = torch.full((n, ), math.inf, dtype=torch.float64, device=x.device)
        pick = _uniform_index(seed, b, 0, n)
        for c in range(k):
            if c > 0:
                total = float(d2.sum())
                if total > 0:
                    above = (torch.cumsum(d2, 0) > _uniform01(seed, b, c) * total).nonzero()
                    pick = int(above[0]) if above.numel() else n - 1
                else:
                    pick = _uniform_index(seed, b, c, n)
            out[b, c] = x[pick]
            dist = _sqdist(xnorm, x @ out[b, c], (out[b, c] * out[b, c]).sum()).double()
            d2 = torch.minimum(d2, dist)
    return out


def _assign(x: torch.Tensor, xnorm: torch.Tensor, c: torch.Tensor, metric: str):
    dots = x @ c.T
    score = _sqdist(xnorm[:, None], dots, (c * c).sum(1)) if metric == 'l2' else -dots
    cost, labels = score.min(1)
    return labels, cost


def masked_kmeans_reference(points: torch.Tensor,
                            offsets: torch.Tensor,
                            k: int,
                            iters: int = 20,
                            metric: str = 'l2',
                            seed: int = 0,
                            init_centroids: Optional[torch.Tensor] = None) -> MaskedKMeansResult:
    """Same contract as :func:`mmpartdistill.ops.masked_kmeans`."""
    check_packed(points, offsets)
    points = prepare_points(points, metric)
    if init_centroids is None:
        init_centroids = kmeanspp_init_reference(points, offsets, k, seed)
    centroids = init_centroids.float().clone()
    labels = torch.zeros(points.shape[0], dtype=torch.int64, device=points.device)
    inertia = torch.zeros(offsets.numel() - 1, device=points.device)
    kind = 'l2' if METRICS[metric] == 0 else 'dot'
    for b in range(offsets.numel() - 1):
        start, end = int(offsets[b]), int(offsets[b + 1])
        x, c, n = points[start:end], centroids[b], end - start
        if n <= k:
            labels[start:end] = torch.arange(n, device=points.device)
            continue
        xnorm = (x * x).sum(1)
        lab = torch.full((n, ), -1, dtype=torch.int64, device=x.device)
        reseeded = converged = False
        for it in range(iters):
            new, cost = _assign(x, xnorm, c, kind)
            converged = not bool((new != lab).any()) and it > 0 and not reseeded
            lab = new
            if converged:
                break
            reseeded = False
            sums = torch.zeros(c.shape, dtype=torch.float64, device=c.device)
            sums.index_add_(0, lab, x.double())
            counts = torch.bincount(lab, minlength=k)
            for j in range(k):
                if counts[j] > 0:
                    c[j] = (sums[j] / counts[j]).float()
                    norm = c[j].double().norm()
                    if metric == 'cosine' and norm > 0:
                        c[j] = c[j] * (1.0 / norm).float()
                else:
                    far = int(cost.argmax())
                    c[j] = x[far]
                    lab[far] = j
                    cost[far] = -math.inf
                    reseeded = True
        if not converged:
            lab, _ = _assign(x, xnorm, c, kind)
        labels[start:end] = lab
        inertia[b] = (x - c[lab]).pow(2).sum()
    return MaskedKMeansResult(labels, centroids, inertia)
