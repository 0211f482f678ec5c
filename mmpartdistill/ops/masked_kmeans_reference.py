"""Pure-PyTorch reference of the masked k-means op, rule for rule.

Plain on purpose, one instance at a time: the tests hold the compiled op to
it, and the benchmark uses it as the batched-PyTorch baseline.
"""
import math
from typing import Optional

import torch

from .masked_kmeans import (METRICS, MaskedKMeansResult, check_packed, check_row_norms,
                            prepare_points)

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


def restart_seed(seed: int, restart: int) -> int:
    """Seed of restart ``restart`` of an ``n_init`` run, as the op derives it
    (restart 0 keeps ``seed``)."""
    if restart == 0:
        return seed
    return _splitmix64(seed ^ ((0xD1B54A32D192ED03 * restart) & _MASK64))


def _sqdist(xnorm: torch.Tensor, dots: torch.Tensor, cnorm: torch.Tensor) -> torch.Tensor:
    return (xnorm - 2 * dots + cnorm).clamp_min(0)


def kmeanspp_init_reference(points: torch.Tensor,
                            offsets: torch.Tensor,
                            k: int,
                            seed: int = 0) -> torch.Tensor:
    """Greedy k-means++ seeding with the op's counter-based draws."""
    check_packed(points, offsets)
    check_row_norms(points)
    points = points.float()
    trials = max(8, 2 + int(math.log(k)))
    out = torch.full((offsets.numel() - 1, k, points.shape[1]), math.nan, device=points.device)
    for b in range(offsets.numel() - 1):
        x = points[offsets[b]:offsets[b + 1]]
        n = x.shape[0]
        if n <= k:
            out[b, :n] = x
            continue
        xnorm = (x * x).sum(1)
        d2 = torch.full((n, ), math.inf, dtype=torch.float64, device=x.device)
        picks = [_uniform_index(seed, b, 0, n)]
        for c in range(k):
            if c > 0:
                cum = torch.cumsum(d2, 0)
                total = float(cum[-1])
                if total > 0:
                    draws = [_uniform01(seed, b, 1 + (c - 1) * trials + t) for t in range(trials)]
                    targets = torch.tensor(draws, dtype=torch.float64, device=x.device) * total
                    picks = torch.searchsorted(cum, targets, right=True).clamp_max(n - 1).tolist()
                else:
                    picks = [_uniform_index(seed, b, 1 + (c - 1) * trials, n)]
            candidates = x[picks]
            dist = _sqdist(xnorm[:, None], x @ candidates.T, (candidates * candidates).sum(1))
            best = int(torch.minimum(d2[:, None], dist.double()).sum(0).argmin()) if c > 0 else 0
            out[b, c] = candidates[best]
            d2 = torch.minimum(d2, dist[:, best].double())
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
                            init_centroids: Optional[torch.Tensor] = None,
                            n_init: int = 1) -> MaskedKMeansResult:
    """Same contract as :func:`mmpartdistill.ops.masked_kmeans`."""
    check_packed(points, offsets)
    check_row_norms(points)
    points = prepare_points(points, metric)
    if init_centroids is not None:
        return _lloyd(points, offsets, k, iters, metric, init_centroids)
    best = None
    for restart in range(n_init):
        start = kmeanspp_init_reference(points, offsets, k, restart_seed(seed, restart))
        run = _lloyd(points, offsets, k, iters, metric, start)
        if best is None:
            best = run
            continue
        better = run.inertia < best.inertia
        sizes = offsets[1:] - offsets[:-1]
        best = MaskedKMeansResult(
            torch.where(better.repeat_interleave(sizes), run.labels, best.labels),
            torch.where(better[:, None, None], run.centroids, best.centroids),
            torch.where(better, run.inertia, best.inertia))
    return best


def _lloyd(points: torch.Tensor, offsets: torch.Tensor, k: int, iters: int, metric: str,
           init_centroids: torch.Tensor) -> MaskedKMeansResult:
    """Lloyd iterations of every instance from the given centroids."""
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
