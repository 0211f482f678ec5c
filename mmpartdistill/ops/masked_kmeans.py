"""Batched k-means over ragged instances (the masked-feature k-means op)."""
from typing import NamedTuple, Optional

import torch

from .. import _ext  # noqa: F401  (loads the library that registers the ops)

METRICS = {'l2': 0, 'dot': 1, 'cosine': 1}


class MaskedKMeansResult(NamedTuple):
    """Per-point cluster index ``[N]``, centroids ``[B, k, D]``, inertia ``[B]``.

    An instance with fewer than ``k`` points gets one cluster per point and
    NaN in its unused centroid rows; an empty instance gets only NaN rows.
    """
    labels: torch.Tensor
    centroids: torch.Tensor
    inertia: torch.Tensor


def check_packed(points: torch.Tensor, offsets: torch.Tensor) -> None:
    """Raise ValueError unless ``points [N, D]`` and ``offsets [B+1]`` form a packed batch."""
    if not isinstance(points, torch.Tensor) or points.dim() != 2:
        raise ValueError(f'points must be a [N, D] tensor, got {getattr(points, "shape", points)}')
    if not points.is_floating_point():
        raise ValueError(f'points must be floating point, got {points.dtype}')
    if not isinstance(offsets, torch.Tensor) or offsets.dim() != 1 or offsets.numel() < 1:
        raise ValueError(
            f'offsets must be a [B+1] tensor, got {getattr(offsets, "shape", offsets)}')
    if offsets.dtype != torch.int64:
        raise ValueError(f'offsets must be int64, got {offsets.dtype}')
    if offsets.device != points.device:
        raise ValueError(f'offsets are on {offsets.device} but points are on {points.device}')
    if int(offsets[0]) != 0 or int(offsets[-1]) != points.shape[0]:
        raise ValueError(f'offsets must start at 0 and end at N={points.shape[0]}, '
                         f'got {int(offsets[0])} and {int(offsets[-1])}')
    if offsets.numel() > 1 and bool((offsets[1:] < offsets[:-1]).any()):
        raise ValueError('offsets must be non-decreasing')
    # One cheap pass: a NaN or inf anywhere makes the sum non-finite (so may
    # overflow of huge finite values, which the exact check then clears).
    if not bool(torch.isfinite(points.sum())) and not bool(torch.isfinite(points).all()):
        bad = int((~torch.isfinite(points)).any(dim=1).nonzero()[0])
        raise ValueError(f'points hold a non-finite value (first at row {bad})')


def prepare_points(points: torch.Tensor, metric: str) -> torch.Tensor:
    """Contiguous float32 (float16/bfloat16 stay as they are on CUDA, where the
    kernels accumulate in float32); rows L2-normalised for the cosine metric."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)}, got '{metric}'")
    low_precision = points.is_cuda and points.dtype in (torch.float16, torch.bfloat16)
    points = (points if low_precision else points.float()).contiguous()
    if metric == 'cosine':
        points = torch.nn.functional.normalize(points.float(), dim=1).to(points.dtype)
    return points


def kmeanspp_init(points: torch.Tensor,
                  offsets: torch.Tensor,
                  k: int,
                  seed: int = 0) -> torch.Tensor:
    """Seeded k-means++ centroids ``[B, k, D]`` per instance, deterministic for a seed."""
    check_packed(points, offsets)
    if k < 1:
        raise ValueError(f'k must be >= 1, got {k}')
    return torch.ops.mmpartdistill.kmeanspp_init(prepare_points(points, 'l2'), offsets, k, seed)


def masked_kmeans(points: torch.Tensor,
                  offsets: torch.Tensor,
                  k: int,
                  iters: int = 20,
                  metric: str = 'l2',
                  seed: int = 0,
                  init_centroids: Optional[torch.Tensor] = None) -> MaskedKMeansResult:
    """Cluster every instance of a packed batch into ``k`` clusters at once.

    Args:
        points: ``[N, D]`` features; instance ``b`` owns
            ``points[offsets[b]:offsets[b + 1]]``.
        offsets: ``[B+1]`` int64 instance boundaries.
        k: clusters per instance.
        iters: maximum Lloyd iterations; stops early once no label changes.
        metric: ``'l2'`` (nearest centroid), ``'dot'`` (highest dot product
            with unnormalised features, as the PartDistillation authors
            assign) or ``'cosine'`` (spherical k-means).
        seed: k-means++ seed, used when ``init_centroids`` is None.
        init_centroids: optional ``[B, k, D]`` starting centroids.
    """
    check_packed(points, offsets)
    if k < 1:
        raise ValueError(f'k must be >= 1, got {k}')
    if iters < 0:
        raise ValueError(f'iters must be >= 0, got {iters}')
    points = prepare_points(points, metric)
    if init_centroids is None:
        init_centroids = torch.ops.mmpartdistill.kmeanspp_init(points, offsets, k, seed)
    elif tuple(init_centroids.shape) != (offsets.numel() - 1, k, points.shape[1]):
        raise ValueError(
            f'init_centroids must be [B, k, D] = '
            f'{[offsets.numel() - 1, k, points.shape[1]]}, got {list(init_centroids.shape)}')
    labels, centroids, inertia = torch.ops.mmpartdistill.masked_kmeans(
        points, offsets,
        init_centroids.float().contiguous(), iters, METRICS[metric], metric == 'cosine')
    return MaskedKMeansResult(labels, centroids, inertia)
