"""Masked k-means: the fused op against per-instance and batched baselines.

Each method seeds itself, as users run them: the op its greedy k-means++
(one fused call for the whole batch), scikit-learn ``KMeans(n_init=1)`` its
own greedy k-means++ per instance, faiss ``Kmeans`` its random sample of
points per instance. Quality is judged instance by instance: the inertia of
every method's returned centroids (each point to its nearest centroid, in
float64) divided by scikit-learn's on the same instance. Speed ratios are
baseline time / op time, in this process.

    python benchmarks/bench_masked_kmeans.py                # the CPU workloads
    python benchmarks/bench_masked_kmeans.py --device cuda  # op vs PyTorch reference, faiss-gpu
    python benchmarks/bench_masked_kmeans.py --same-start   # every method from the op's start
"""
import argparse
import time
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

import numpy as np
import torch

from mmpartdistill.ops import kmeanspp_init, masked_kmeans, masked_kmeans_reference


class Workload(NamedTuple):
    name: str
    dim: int
    k: int
    min_blobs: int
    max_blobs: int


# separated blobs: as many blobs as clusters, so a good seeding finds them all;
# mixtures: 3-8 blobs whatever k, as object parts rarely number exactly k
WORKLOADS = [
    Workload('separated blobs', 256, 4, 4, 4),
    Workload('mixtures', 256, 4, 3, 8),
    Workload('mixtures', 256, 8, 3, 8),
    Workload('mixtures', 1024, 4, 3, 8),
    Workload('mixtures', 1024, 8, 3, 8),
]


def make_instances(num_instances: int, dim: int, min_pts: int, max_pts: int, min_blobs: int,
                   max_blobs: int, seed: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Packed instances, each a mixture of Gaussian blobs (unit spread, centres
    drawn with spread 2 per dimension)."""
    g = torch.Generator().manual_seed(seed)
    sizes = torch.randint(min_pts, max_pts + 1, (num_instances, ), generator=g)
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), sizes.cumsum(0)])
    points = torch.empty(int(offsets[-1]), dim)
    for b in range(num_instances):
        blobs = int(torch.randint(min_blobs, max_blobs + 1, (1, ), generator=g))
        centres = torch.randn(blobs, dim, generator=g) * 2
        which = torch.randint(0, blobs, (int(sizes[b]), ), generator=g)
        points[offsets[b]:offsets[b + 1]] = centres[which] + torch.randn(
            int(sizes[b]), dim, generator=g)
    return points, offsets


def instance_inertia(points: torch.Tensor, offsets: torch.Tensor,
                     centroids: List[torch.Tensor]) -> np.ndarray:
    """Per instance, sum_i min_j |x_i - c_j|^2 for the given centroids."""
    out = np.empty(len(centroids))
    for b, c in enumerate(centroids):
        x = points[offsets[b]:offsets[b + 1]].double()
        c = c.double().to(x.device)
        c = c[~torch.isnan(c).any(1)]
        out[b] = float(torch.cdist(x, c).pow(2).min(1).values.sum())
    return out


def run_op(points, offsets, k, iters, init, n_init=1):
    if init is not None:
        return list(masked_kmeans(points, offsets, k, iters, init_centroids=init).centroids)
    return list(masked_kmeans(points, offsets, k, iters, seed=0, n_init=n_init).centroids)


def run_reference(points, offsets, k, iters, init):
    return list(masked_kmeans_reference(points, offsets, k, iters, init_centroids=init).centroids)


def run_sklearn(points, offsets, k, iters, init, seed_shift=0):
    from sklearn.cluster import KMeans
    x_all, out = points.numpy(), []
    for b in range(len(offsets) - 1):
        start = 'k-means++' if init is None else init[b].numpy()
        km = KMeans(n_clusters=k, init=start, n_init=1, max_iter=iters, random_state=b + seed_shift)
        km.fit(x_all[offsets[b]:offsets[b + 1]])
        out.append(torch.from_numpy(km.cluster_centers_))
    return out


def run_faiss(points, offsets, k, iters, init):
    import faiss
    x_all, out = points.cpu().numpy(), []
    gpu = points.is_cuda and faiss.get_num_gpus() > 0
    for b in range(len(offsets) - 1):
        x = np.ascontiguousarray(x_all[offsets[b]:offsets[b + 1]])
        # no subsampling: every method sees every point
        km = faiss.Kmeans(
            x.shape[1],
            k,
            niter=25,
            seed=b + 1,
            gpu=gpu,
            max_points_per_centroid=10**7,
            min_points_per_centroid=1,
            verbose=False)
        start = None if init is None else np.ascontiguousarray(init[b].cpu().numpy())
        km.train(x, init_centroids=start)
        out.append(torch.from_numpy(km.centroids.copy()))
    return out


def faiss_gpus() -> int:
    """GPUs faiss can use (0 without faiss-gpu)."""
    try:
        import faiss
    except ImportError:
        return 0
    return faiss.get_num_gpus() if hasattr(faiss, 'get_num_gpus') else 0


def timed(fn: Callable, device: str, *args) -> Tuple[float, list]:
    if device == 'cuda':
        torch.cuda.synchronize()
    start = time.perf_counter()
    result = fn(*args)
    if device == 'cuda':
        torch.cuda.synchronize()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument('--instances', type=int, default=256)
    parser.add_argument('--min-points', type=int, default=200)
    parser.add_argument('--max-points', type=int, default=4000)
    parser.add_argument(
        '--iters',
        type=int,
        default=100,
        help='most Lloyd iterations of the op and scikit-learn (both stop on convergence); '
        'faiss runs its default 25')
    parser.add_argument(
        '--n-init', type=int, nargs='+', default=[1], help='op rows with these n_init')
    parser.add_argument(
        '--same-start', action='store_true', help="every method starts from the op's k-means++")
    parser.add_argument(
        '--baselines',
        nargs='+',
        default=None,
        help="default: sklearn, 'sklearn, other seeds', faiss, reference on cpu; "
        'reference, faiss (faiss-gpu when installed) on cuda')
    parser.add_argument('--workloads', type=int, nargs='+', default=None, help='indices')
    args = parser.parse_args()
    baselines = args.baselines or (['sklearn', 'sklearn, other seeds', 'faiss', 'reference']
                                   if args.device == 'cpu' else ['reference'] +
                                   (['faiss'] if faiss_gpus() else []))
    judge = 'sklearn' if 'sklearn' in baselines else 'reference'
    # scikit-learn from other seeds: how far one start differs from another
    methods: Dict[str, Callable] = {
        'reference': run_reference,
        'sklearn': run_sklearn,
        'sklearn, other seeds': lambda *a: run_sklearn(*a, seed_shift=10**6),
        'faiss': run_faiss,
    }
    print(f'device {args.device}, torch threads {torch.get_num_threads()}, '
          f'{args.instances} instances of {args.min_points}-{args.max_points} points, '
          f'{args.iters} iterations at most, '
          f'{"one shared start" if args.same_start else "each method seeds itself"}')
    print('| workload | D | k | method | time (s) | instances/s | op speed-up | '
          f'mean inertia / {judge} | instances > 1.05x {judge} |')
    print('|---|---|---|---|---|---|---|---|---|')
    chosen = [WORKLOADS[i] for i in args.workloads] if args.workloads else WORKLOADS
    for w in chosen:
        points, offsets = make_instances(
            args.instances,
            w.dim,
            args.min_points,
            args.max_points,
            w.min_blobs,
            w.max_blobs,
            seed=w.dim + w.k)
        init: Optional[torch.Tensor] = (
            kmeanspp_init(points, offsets, w.k, seed=0) if args.same_start else None)
        on_device = [t.to(args.device) for t in (points, offsets)]
        runs = [(f'op (n_init={n})', lambda *a, n=n: run_op(*a, n_init=n)) for n in args.n_init]
        runs += [(name, methods[name]) for name in baselines]
        results = {}
        for name, fn in runs:
            data = (points, offsets) if name.startswith('sklearn') else on_device
            start = None if init is None else init.to(data[0].device)
            warm = int(data[1][4])  # warm-up on 4 instances: imports, thread pools
            fn(data[0][:warm], data[1][:5], w.k, 2, None if start is None else start[:4])
            seconds, centroids = timed(fn, args.device, data[0], data[1], w.k, args.iters, start)
            results[name] = (seconds, instance_inertia(points, offsets, centroids))
        op_time = results[runs[0][0]][0]
        reference = results[judge][1] if judge in results else None
        for name, (seconds, inertia) in results.items():
            ratio = '' if reference is None else f'{np.mean(inertia / reference):.4f}'
            above = '' if reference is None else f'{100 * np.mean(inertia > 1.05 * reference):.1f}%'
            print(
                f'| {w.name} | {w.dim} | {w.k} | {name} | {seconds:.3f} | '
                f'{args.instances / seconds:.1f} | {seconds / op_time:.2f}x | {ratio} | {above} |')
        if args.device == 'cuda':
            bound = points.numel() * points.element_size() / 3.0e12
            print(f'| {w.name} | {w.dim} | {w.k} | one read of the points at 3 TB/s | '
                  f'{bound:.5f} | | | | |')


if __name__ == '__main__':
    main()
