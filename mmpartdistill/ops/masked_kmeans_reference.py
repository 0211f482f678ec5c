"""Pure-PyTorch reference of the masked k-means op, rule for rule.

Slow and plain on purpose: the tests hold the compiled op to it.
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


def kmeanspp_init_reference(points: torch.Tensor,
                            offsets: torch.Tensor,
                            k: int,
                            seed: int = 0) -> torch.Tensor:
    """k-means++ seeding with the op's counter-based draws."""
    check_packed(points, offsets)
    points = points.float()
    out = torch.full((offsets.numel() - 1, k, points.shape[1]), math.nan)
    for b in range(offsets.numel() - 1):
        x = points[offsets[b]:offsets[b + 1]].double()
        n = x.shape[0]
        if n <= k:
            out[b, :n] = x.float()
            continue
        picks = [_uniform_index(seed, b, 0, n)]
        d2 = ((x - x[picks[0]])**2).sum(1)
        for c in range(1, k):
            total = float(d2.sum())
            if total > 0:
                above = (torch.cumsum(d2, 0) > _uniform01(seed, b, c) * total).nonzero()
                pick = int(above[0]) if above.numel() else n - 1
            else:
                pick = _uniform_index(seed, b, c, n)
            picks.append(pick)
            d2 = torch.minimum(d2, ((x - x[pick])**2).sum(1))
        out[b] = x[picks].float()
    return out


def _assign(x: torch.Tensor, c: torch.Tensor, metric: str):
    dot = x @ c.T
    score = (c * c).sum(1) - 2 * dot if metric == 'l2' else -dot
    cost, labels = score.min(1)
    if metric == 'l2':
        cost = cost + (x * x).sum(1)
    return labels, cost


def masked_kmeans_reference(points: torch.Tensor,
                            offsets: torch.Tensor,
                            k: int,
                            iters: int = 20,
                            metric: str = 'l2',
                            seed: int = 0,
                            init_centroids: Optional[torch.Tensor] = None) -> MaskedKMeansResult:
    """Same contract as :func:`mmpartdistill.ops.masked_kmeans`, one instance at a time."""
    check_packed(points, offsets)
    points = prepare_points(points, metric)
    if init_centroids is None:
        init_centroids = kmeanspp_init_reference(points, offsets, k, seed)
    centroids = init_centroids.float().clone()
    labels = torch.zeros(points.shape[0], dtype=torch.int64)
    inertia = torch.zeros(offsets.numel() - 1)
    kind = 'l2' if METRICS[metric] == 0 else 'dot'
    for b in range(offsets.numel() - 1):
        start, end = int(offsets[b]), int(offsets[b + 1])
        x, c, n = points[start:end], centroids[b], end - start
        if n <= k:
            labels[start:end] = torch.arange(n)
            continue
        lab = torch.full((n, ), -1, dtype=torch.int64)
        reseeded = False
        for it in range(iters):
            new, cost = _assign(x, c, kind)
            changed = bool((new != lab).any())
            lab = new
            if not changed and it > 0 and not reseeded:
                break
            reseeded = False
            assigned = lab.clone()
            for j in range(k):
                members = assigned == j
                if members.any():
                    mean = x[members].double().mean(0)
                    if metric == 'cosine' and mean.norm() > 0:
                        mean = mean / mean.norm()
                    c[j] = mean.float()
                else:
                    far = int(cost.argmax())
                    c[j] = x[far]
                    lab[far] = j
                    cost[far] = -math.inf
                    reseeded = True
        lab, _ = _assign(x, c, kind)
        labels[start:end] = lab
        inertia[b] = float(((x.double() - c[lab].double())**2).sum())
    return MaskedKMeansResult(labels, centroids, inertia)
