"""A one-time check, on a device's first use, that the op's CUDA kernels agree
with the pure-PyTorch reference before any result of theirs is used.

The kernels are tested only where a GPU is at hand, so a process that meets a
CUDA device clusters a small fixed problem there and with the reference, and
refuses the device when the two disagree. ``MMPARTDISTILL_TRUST_CUDA_KMEANS=1``
skips the check (an explicit opt-in). Either choice is logged once per device.
"""
import logging
import os
from typing import Callable, Dict, Tuple

import torch

TRUST_ENV = 'MMPARTDISTILL_TRUST_CUDA_KMEANS'
logger = logging.getLogger('mmpartdistill.ops')
# device -> what the check found ('agrees' or 'trusted'); a disagreement raises every time
_checked: Dict[str, str] = {}

# (name, the op on the device, the reference on the CPU): each takes the CPU problem
# and returns comparable tensors
Probe = Tuple[str, Callable[[torch.Tensor, torch.Tensor], Tuple[torch.Tensor, ...]],
              Callable[[torch.Tensor, torch.Tensor], Tuple[torch.Tensor, ...]]]


class CudaDisagreement(RuntimeError):
    """The op's kernels on a device disagree with the reference."""


def agreement_problem() -> Tuple[torch.Tensor, torch.Tensor]:
    """Well-separated blobs in ragged instances (an empty one and one smaller
    than k among them): every correct implementation labels them alike."""
    g = torch.Generator().manual_seed(0)
    sizes = [0, 3, 40, 333, 1200]
    centres = 8 * torch.randn(4, 12, generator=g)
    points = torch.cat([
        centres[torch.arange(n) % 4] + 0.3 * torch.randn(n, 12, generator=g) for n in sizes
    ])
    return points, torch.tensor([0] + sizes).cumsum(0)


def default_probes(device: torch.device) -> Tuple[Probe, ...]:
    """The seeding kernel and Lloyd's iterations, each metric, on ``device``
    against the reference."""
    # imported here: the reference imports masked_kmeans, which imports this module
    from .masked_kmeans import METRICS
    from .masked_kmeans_reference import kmeanspp_init_reference, masked_kmeans_reference
    ops = torch.ops.mmpartdistill
    probes = [('kmeanspp_init',
               lambda p, o: (ops.kmeanspp_init(p.to(device), o.to(device), 4, 5), ),
               lambda p, o: (kmeanspp_init_reference(p, o, 4, seed=5), ))]
    for metric in ('l2', 'dot', 'cosine'):
        points_of = (lambda p: torch.nn.functional.normalize(p, dim=1)) if metric == 'cosine' \
            else (lambda p: p)
        probes.append((
            f'masked_kmeans ({metric})',
            lambda p, o, m=metric, f=points_of: ops.masked_kmeans_fit(
                f(p).to(device), o.to(device), 4, 25, METRICS[m], m == 'cosine', 5, 1)[:2],
            lambda p, o, m=metric: masked_kmeans_reference(p, o, 4, iters=25, metric=m,
                                                           seed=5)[:2]))
    return tuple(probes)


def disagreements(probes: Tuple[Probe, ...]) -> list:
    """Names of the probes whose device results differ from the reference's
    (labels exactly, centroids to 1e-4; NaN rows of unused centroids alike)."""
    points, offsets = agreement_problem()
    wrong = []
    for name, on_device, reference in probes:
        got = on_device(points, offsets)
        want = reference(points, offsets)
        for g, w in zip(got, want):
            g = g.cpu()
            same = torch.equal(g, w) if not w.is_floating_point() else torch.allclose(
                g.float(), w.float(), atol=1e-4, rtol=1e-4, equal_nan=True)
            if not same:
                wrong.append(name)
                break
    return wrong


def ensure_device_agrees(
        device: torch.device,
        probes: Callable[[torch.device], Tuple[Probe, ...]] = default_probes) -> None:
    """Run the check on ``device``'s first use in this process (CPU: nothing to
    check, the tests hold it to the reference); CudaDisagreement if it fails."""
    if device.type == 'cpu' or str(device) in _checked:
        return
    if os.environ.get(TRUST_ENV) == '1':
        _checked[str(device)] = 'trusted'
        logger.warning(f'masked k-means on {device}: kernels used without the agreement check '
                       f'({TRUST_ENV}=1)')
        return
    wrong = disagreements(probes(device))
    if wrong:
        raise CudaDisagreement(
            f'masked k-means on {device}: {", ".join(wrong)} disagree with the PyTorch '
            'reference on a small fixed problem, so their results are not used; run the op on '
            f'the CPU (points.cpu()), or set {TRUST_ENV}=1 to use the kernels anyway')
    _checked[str(device)] = 'agrees'
    logger.warning(f'masked k-means on {device}: kernels agree with the PyTorch reference '
                   '(checked once, on first use)')
