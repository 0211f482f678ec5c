"""Batched k-means over ragged instances (the masked-feature k-means op)."""
import numbers
from typing import NamedTuple, Optional

import torch

from .. import _ext  # noqa: F401  (loads the library that registers the ops)
from .cuda_agreement import ensure_device_agrees

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


def check_row_norms(points: torch.Tensor) -> torch.Tensor:
    """Row norms ``[N]`` in float32; ValueError naming the first row that is
    non-finite or whose squared norm overflows float32, where the op computes
    (it would give NaN inertia)."""
    norms = torch.linalg.vector_norm(points.float(), dim=1)
    bad = ~torch.isfinite(norms * norms * 4)  # |x|^2 - 2 x.c + |c|^2 must stay finite
    if bool(bad.any()):
        row = int(bad.nonzero()[0])
        if not bool(torch.isfinite(points[row]).all()):
            raise ValueError(f'points hold a non-finite value (first at row {row})')
        raise ValueError(f'points row {row} overflows float32: its squared norm exceeds '
                         f'{torch.finfo(torch.float32).max / 4:.1e}; scale the features down')
    return norms


def check_int(name: str, value, minimum: int) -> int:
    """``value`` as an int, or a ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f'{name} must be an int, got {value!r} ({type(value).__name__})')
    if value < minimum:
        raise ValueError(f'{name} must be >= {minimum}, got {value}')
    return int(value)


def check_seed(seed) -> int:
    """A seed in ``[0, 2**64)`` as the int64 of the same bits, which the op
    reads back as that unsigned seed (restart seeds use all 64 bits)."""
    seed = check_int('seed', seed, 0)
    if seed >= 1 << 64:
        raise ValueError(f'seed must be < 2**64, got {seed}')
    return seed - (1 << 64) if seed >= 1 << 63 else seed


def prepare_points(points: torch.Tensor, metric: str) -> torch.Tensor:
    """Contiguous float32 (float16/bfloat16 stay as they are on CUDA, where the
    kernels accumulate in float32); rows L2-normalised for the cosine metric.

    Rows that are non-finite or overflow float32 raise ValueError naming the
    row: here when the cast, the normalisation or the device would hide them,
    in the CPU op itself (which computes the row norms anyway) otherwise.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)}, got '{metric}'")
    norms = None
    if points.is_cuda or points.dtype != torch.float32 or metric == 'cosine':
        norms = check_row_norms(points)
    low_precision = points.is_cuda and points.dtype in (torch.float16, torch.bfloat16)
    points = (points if low_precision else points.float()).contiguous()
    # rows already of unit norm (to float32 precision) are not copied
    if metric == 'cosine' and not bool(((norms - 1).abs() <= 1e-6).all()):
        points = torch.nn.functional.normalize(points.float(), dim=1).to(points.dtype)
    return points


def kmeanspp_init(points: torch.Tensor,
                  offsets: torch.Tensor,
                  k: int,
                  seed: int = 0) -> torch.Tensor:
    """Greedy k-means++ centroids ``[B, k, D]`` per instance, deterministic for a seed.

    Each step draws ``max(8, 2 + int(ln k))`` candidates with probability
    proportional to the squared distance to the nearest chosen centroid and
    keeps the one that lowers the potential most (scikit-learn's greedy
    k-means++ draws ``2 + int(ln k)``; docs/benchmarks.md says why 8).
    """
    check_packed(points, offsets)
    k, seed = check_int('k', k, 1), check_seed(seed)
    ensure_device_agrees(points.device)
    return torch.ops.mmpartdistill.kmeanspp_init(prepare_points(points, 'l2'), offsets, k, seed)


def masked_kmeans(points: torch.Tensor,
                  offsets: torch.Tensor,
                  k: int,
                  iters: int = 20,
                  metric: str = 'l2',
                  seed: int = 0,
                  init_centroids: Optional[torch.Tensor] = None,
                  n_init: int = 1) -> MaskedKMeansResult:
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
        n_init: seeded starts run in the same call; each instance keeps the
            one of lowest inertia. Only without ``init_centroids``.
    """
    check_packed(points, offsets)
    k, iters = check_int('k', k, 1), check_int('iters', iters, 0)
    seed, n_init = check_seed(seed), check_int('n_init', n_init, 1)
    ensure_device_agrees(points.device)
    points = prepare_points(points, metric)
    if init_centroids is None:
        labels, centroids, inertia = torch.ops.mmpartdistill.masked_kmeans_fit(
            points, offsets, k, iters, METRICS[metric], metric == 'cosine', seed, n_init)
        return MaskedKMeansResult(labels, centroids, inertia)
    if n_init != 1:
        raise ValueError(f'n_init must be 1 with init_centroids, got {n_init}')
    if tuple(init_centroids.shape) != (offsets.numel() - 1, k, points.shape[1]):
        raise ValueError(
            f'init_centroids must be [B, k, D] = '
            f'{[offsets.numel() - 1, k, points.shape[1]]}, got {list(init_centroids.shape)}')
    labels, centroids, inertia = torch.ops.mmpartdistill.masked_kmeans(
        points, offsets,
        init_centroids.float().contiguous(), iters, METRICS[metric], metric == 'cosine')
    return MaskedKMeansResult(labels, centroids, inertia)
