"""Masked k-means: the fused op against per-instance and batched baselines.

Every method gets the same packed data, k, iteration budget and initial
centroids (k-means++ from the op, computed once, outside the timings). Each
method's quality is the mean inertia of its returned centroids (every point
to its nearest centroid), so methods that report inertia differently compare
fairly. Ratios are baseline time / op time, in this process.

    python benchmarks/bench_masked_kmeans.py                # the workloads of the issue, CPU
    python benchmarks/bench_masked_kmeans.py --device cuda  # op vs per-instance loop on a GPU
"""
import argparse
import time
from typing import Callable, Dict, List, Tuple

import numpy as np
import torch

from mmpartdistill.ops import kmeanspp_init, masked_kmeans, masked_kmeans_reference


def make_workload(num_instances: int, dim: int, min_pts: int, max_pts: int,
                  seed: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Packed instances, each a mixture of 3-8 Gaussian blobs (object parts stand-in)."""
    g = torch.Generator().manual_seed(seed)
    sizes = torch.randint(min_pts, max_pts + 1, (num_instances, ), generator=g)
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), sizes.cumsum(0)])
    points = torch.empty(int(offsets[-1]), dim)
    for b in range(num_instances):
        blobs = int(torch.randint(3, 9, (1, ), generator=g))
        centres = torch.randn(blobs, dim, generator=g) * 2
        which = torch.randint(0, blobs, (int(sizes[b]), ), generator=g)
        points[offsets[b]:offsets[b + 1]] = centres[which] + torch.randn(
            int(sizes[b]), dim, generator=g)
    return points, offsets


def mean_inertia(points, offsets, centroids: List[torch.Tensor]) -> float:
    """Mean over instances of sum_i min_j |x_i - c_j|^2 for the given centroids."""
    total = 0.0
    for b, c in enumerate(centroids):
        x = points[offsets[b]:offsets[b + 1]].double()
        c = c.double().to(x.device)
        c = c[~torch.isnan(c).any(1)]
        total += float(torch.cdist(x, c).pow(2).min(1).values.sum())
    return total / len(centroids)


def run_op(points, offsets, k, iters, init):
    return list(masked_kmeans(points, offsets, k, iters, init_centroids=init).centroids)


def run_reference(points, offsets, k, iters, init):
    return list(masked_kmeans_reference(points, offsets, k, iters, init_centroids=init).centroids)


def run_loop(points, offsets, k, iters, init):
    """The op's own computation called once per instance (what batching saves)."""
    out = []
    for b in range(len(offsets) - 1):
        x = points[offsets[b]:offsets[b + 1]]
        one = torch.tensor([0, x.shape[0]], device=points.device)
        out.append(masked_kmeans(x, one, k, iters, init_centroids=init[b:b + 1]).centroids[0])
    return out


def run_sklearn(points, offsets, k, iters, init):
    from sklearn.cluster import KMeans
    x_all, init_np, out = points.numpy(), init.numpy(), []
    for b in range(len(offsets) - 1):
        km = KMeans(
            n_clusters=k, init=init_np[b], n_init=1, max_iter=iters, tol=0.0, algorithm='lloyd')
        km.fit(x_all[offsets[b]:offsets[b + 1]])
        out.append(torch.from_numpy(km.cluster_centers_))
    return out


def run_faiss(points, offsets, k, iters, init):
    import faiss
    x_all, init_np, out = points.numpy(), init.numpy(), []
    for b in range(len(offsets) - 1):
        x = np.ascontiguousarray(x_all[offsets[b]:offsets[b + 1]])
        km = faiss.Kmeans(
            x.shape[1],
            k,
            niter=iters,
            max_points_per_centroid=10**7,
            min_points_per_centroid=1,
            verbose=False)
        km.train(x, init_centroids=np.ascontiguousarray(init_np[b]))
        out.append(torch.from_numpy(km.centroids.copy()))
    return out


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
    parser.add_argument('--dims', type=int, nargs='+', default=[256, 1024])
    parser.add_argument('--ks', type=int, nargs='+', default=[4, 8])
    parser.add_argument('--iters', type=int, default=20)
    parser.add_argument(
        '--baselines',
        nargs='+',
        default=None,
        help='default: reference, sklearn, faiss on cpu; loop on cuda')
    args = parser.parse_args()
    baselines = args.baselines or (['reference', 'sklearn', 'faiss']
                                   if args.device == 'cpu' else ['loop'])
    methods: Dict[str, Callable] = dict(
        op=run_op, reference=run_reference, loop=run_loop, sklearn=run_sklearn, faiss=run_faiss)
    print(f'device {args.device}, torch threads {torch.get_num_threads()}, '
          f'{args.instances} instances of {args.min_points}-{args.max_points} points, '
          f'{args.iters} iterations')
    print('| D | k | method | time (s) | instances/s | op speed-up | mean inertia vs op |')
    print('|---|---|---|---|---|---|---|')
    for dim in args.dims:
        points, offsets = make_workload(
            args.instances, dim, args.min_points, args.max_points, seed=dim)
        for k in args.ks:
            init = kmeanspp_init(points, offsets, k, seed=0)
            data = [t.to(args.device) for t in (points, offsets, init)]
            results = {}
            for name in ['op'] + baselines:
                on = data if name in ('op', 'reference', 'loop') else (points, offsets, init)
                warm = int(on[1][4])  # warm-up on the first 4 instances: imports, thread pools
                methods[name](on[0][:warm], on[1][:5], k, 2, on[2][:4])
                seconds, centroids = timed(methods[name], args.device, on[0], on[1], k, args.iters,
                                           on[2])
                results[name] = (seconds, mean_inertia(points, offsets, centroids))
            op_time, op_inertia = results['op']
            for name, (seconds, inertia) in results.items():
                print(f'| {dim} | {k} | {name} | {seconds:.3f} | {args.instances / seconds:.1f} | '
                      f'{seconds / op_time:.2f}x | {100 * (inertia / op_inertia - 1):+.2f}% |')
            if args.device == 'cuda':
                bytes_per_iter = points.numel() * points.element_size()
                bound = bytes_per_iter * args.iters / 3.0e12
                print(f'| {dim} | {k} | bandwidth bound (3 TB/s, {args.iters} passes) | '
                      f'{bound:.4f} | | op at {100 * bound / op_time:.0f}% of bound | |')


if __name__ == '__main__':
    main()
