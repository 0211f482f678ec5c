"""Stage-3 clustering at scale: K part clusters for every object class.

Synthetic query features (unit-norm, 8 blobs per class, 256-D) are streamed
into an on-disk FeatureBank; then every class is clustered into K=8 by the
masked k-means op (many classes per call, classes as instances) or by faiss
(one call per class). Each measurement runs in a fresh subprocess, whose
peak resident memory is reported; time and peak memory should grow with
the class count and features per class as stated in the table.

    python benchmarks/bench_ranking.py                       # 1,000 and 10,000 classes
    python benchmarks/bench_ranking.py --classes 200 --sizes 100 500 2000
    python benchmarks/bench_ranking.py --classes 1000 --restarts 1 8  # k-means restarts
"""
import argparse
import json
import os
import os.path as osp
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

from mmpartdistill.engine.ranking import FeatureBank, cluster_classes


def class_features(cat: int, count: int, dim: int) -> np.ndarray:
    rng = np.random.default_rng(cat)
    centres = rng.standard_normal((8, dim)).astype(np.float32)
    feats = centres[rng.integers(0, 8, count)] + 0.5 * rng.standard_normal(
        (count, dim)).astype(np.float32)
    return feats / np.linalg.norm(feats, axis=1, keepdims=True)


def build_bank(root: str, num_classes: int, count: int, dim: int) -> FeatureBank:

    def batches():
        for start in range(0, num_classes, 100):
            yield {
                c: class_features(c, count, dim)
                for c in range(start, min(start + 100, num_classes))
            }

    return FeatureBank.build(root, batches())


def measure(args) -> None:
    """One measurement (runs in its own process): prints JSON."""
    bank = FeatureBank(args.bank)
    classes = sorted(bank.counts)
    start = time.perf_counter()
    centroids = cluster_classes(
        bank, classes, args.k, args.iters, 0, args.memory_mb, args.backend, restarts=args.restarts)
    seconds = time.perf_counter() - start
    # mean cosine of each feature to its best centroid, on the first classes (quality check)
    quality = float(np.mean([(bank.load(c) @ centroids[c].T).max(1).mean() for c in classes[:50]]))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(seconds=seconds, peak_mb=peak_mb, quality=quality)))


def run(bank: str, backend: str, k: int, iters: int, memory_mb: float, restarts: int) -> dict:
    command = [
        sys.executable, __file__, '--measure', '--bank', bank, '--backend', backend, '--k',
        str(k), '--iters',
        str(iters), '--memory-mb',
        str(memory_mb), '--restarts',
        str(restarts)
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--classes', type=int, nargs='+', default=[1000, 10000])
    parser.add_argument('--sizes', type=int, nargs='+', default=[500], help='features per class')
    parser.add_argument('--dim', type=int, default=256)
    parser.add_argument('--k', type=int, default=8)
    parser.add_argument('--iters', type=int, default=20)
    parser.add_argument('--memory-mb', type=float, default=256.0)
    parser.add_argument('--backends', nargs='+', default=['op', 'faiss'])
    parser.add_argument(
        '--restarts', type=int, nargs='+', default=[1], help='k-means++ starts per class')
    parser.add_argument('--measure', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--bank', help=argparse.SUPPRESS)
    parser.add_argument('--backend', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        args.restarts = args.restarts[0]
        measure(args)
        return
    tmp = tempfile.mkdtemp(prefix='bench_ranking_')
    rows = []
    try:
        for size in args.sizes:
            for num_classes in args.classes:
                bank = osp.join(tmp, f'bank_{num_classes}_{size}')
                build_bank(bank, num_classes, size, args.dim)
                os.sync()  # else the first backend timed pays the bank's writeback
                for backend in args.backends:
                    for restarts in args.restarts:
                        r = run(bank, backend, args.k, args.iters, args.memory_mb, restarts)
                        rows.append((size, num_classes, backend, restarts, r))
                        print(
                            f'  measured {num_classes} classes x {size} features, {backend}, '
                            f'{restarts} start(s): {r["seconds"]:.1f} s, {r["peak_mb"]:.0f} MB',
                            flush=True)
                shutil.rmtree(bank)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f'\nK={args.k}, D={args.dim}, {args.iters} iterations, memory limit '
          f'{args.memory_mb:.0f} MB (features of the classes loaded at once)\n')
    print('| features/class | classes | backend | starts | time (s) | ms per class | '
          'peak RSS (MB) | mean cos to centroid | time vs faiss | time vs 1 start |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    seconds = {(s, n, b, x): r['seconds'] for s, n, b, x, r in rows}
    for size, num_classes, backend, restarts, r in rows:
        faiss = seconds.get((size, num_classes, 'faiss', restarts))
        single = seconds.get((size, num_classes, backend, 1))
        print(f'| {size} | {num_classes} | {backend} | {restarts} | {r["seconds"]:.2f} | '
              f'{1000 * r["seconds"] / num_classes:.2f} | {r["peak_mb"]:.0f} | '
              f'{r["quality"]:.3f} | ' + (f'{faiss / r["seconds"]:.2f}x' if faiss else '-') +
              ' | ' + (f'{r["seconds"] / single:.2f}x' if single else '-') + ' |')
    for size in args.sizes:
        for backend in args.backends:
            times = {n: r for s, n, b, x, r in rows if s == size and b == backend and x == 1}
            if len(times) > 1:
                small, large = min(times), max(times)
                print(f'{backend}, {size} features/class: {large // small}x the classes took '
                      f'{times[large]["seconds"] / times[small]["seconds"]:.1f}x the time and '
                      f'{times[large]["peak_mb"] / times[small]["peak_mb"]:.2f}x the peak memory')


if __name__ == '__main__':
    main()
