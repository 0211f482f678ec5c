import math
import numpy as np

import pytest
import torch

from mmpartdistill.ops import (kmeanspp_init, kmeanspp_init_reference, masked_kmeans,
                               masked_kmeans_reference, restart_seed)

DEVICES = [
    'cpu',
    pytest.param(
        'cuda', marks=pytest.mark.skipif(not torch.cuda.is_available(), reason='no CUDA device'))
]


def packed(sizes, dim=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    points = torch.randn(sum(sizes), dim, generator=g)
    offsets = torch.tensor([0] + sizes).cumsum(0)
    return points, offsets


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('metric', ['l2', 'dot', 'cosine'])
def test_op_matches_reference(device, metric):
    points, offsets = packed([0, 2, 5, 40, 333, 1200], dim=12)
    got = masked_kmeans(points.to(device), offsets.to(device), 4, iters=25, metric=metric, seed=5)
    want = masked_kmeans_reference(points, offsets, 4, iters=25, metric=metric, seed=5)
    assert torch.equal(got.labels.cpu(), want.labels)
    torch.testing.assert_close(
        got.centroids.cpu(), want.centroids, equal_nan=True, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(got.inertia.cpu(), want.inertia, rtol=1e-5, atol=1e-4)


def test_kmeanspp_matches_reference_and_is_deterministic():
    points, offsets = packed([7, 100, 500])
    first = kmeanspp_init(points, offsets, 6, seed=11)
    assert torch.equal(first, kmeanspp_init(points, offsets, 6, seed=11))
    assert torch.equal(first, kmeanspp_init_reference(points, offsets, 6, seed=11))
    assert not torch.equal(first, kmeanspp_init(points, offsets, 6, seed=12))
    # every seed is a point of its own instance
    for b in range(3):
        own = points[offsets[b]:offsets[b + 1]]
        assert all((own == c).all(1).any() for c in first[b])


def test_recovers_separated_clusters():
    g = torch.Generator().manual_seed(1)
    centres = torch.tensor([[0., 0.], [10., 0.], [0., 10.]])
    truth = torch.arange(3).repeat_interleave(50)
    points = centres[truth] + 0.3 * torch.randn(150, 2, generator=g)
    result = masked_kmeans(points, torch.tensor([0, 150]), 3, seed=0)
    # same partition up to cluster renaming
    pairs = set(zip(result.labels.tolist(), truth.tolist()))
    assert len(pairs) == 3
    expected = sum(((points[truth == j] - points[truth == j].mean(0))**2).sum() for j in range(3))
    assert result.inertia[0].item() == pytest.approx(expected.item(), rel=1e-4)


def test_fewer_points_than_k_and_empty_instance():
    points, offsets = packed([0, 2], dim=3)
    result = masked_kmeans(points, offsets, 4)
    assert result.labels.tolist() == [0, 1]
    assert torch.isnan(result.centroids[0]).all()
    assert torch.equal(result.centroids[1, :2], points)
    assert torch.isnan(result.centroids[1, 2:]).all()
    assert result.inertia.tolist() == [0.0, 0.0]


def test_empty_cluster_is_reseeded_from_farthest_point():
    points = torch.tensor([[0.], [0.1], [0.2], [10.]])
    init = torch.tensor([[[0.1], [0.1]]])  # two identical centroids: one must empty
    result = masked_kmeans(points, torch.tensor([0, 4]), 2, iters=10, init_centroids=init)
    assert sorted(torch.bincount(result.labels).tolist()) == [1, 3]
    assert result.labels[3] != result.labels[0]
    assert result.inertia[0].item() == pytest.approx(0.02, abs=1e-5)


def test_early_stop_matches_long_run():
    points, offsets = packed([300, 400])
    short = masked_kmeans(points, offsets, 5, iters=60)
    long = masked_kmeans(points, offsets, 5, iters=600)
    assert torch.equal(short.labels, long.labels)
    assert torch.equal(short.centroids, long.centroids)


def test_labels_follow_returned_centroids():
    points, offsets = packed([500])
    result = masked_kmeans(points, offsets, 6, iters=2)
    nearest = torch.cdist(points, result.centroids[0]).argmin(1)
    assert torch.equal(result.labels, nearest)


@pytest.mark.parametrize('points, offsets, k, message', [
    (torch.randn(4, 2), torch.tensor([0, 4]), 0, 'k must be >= 1'),
    (torch.tensor([[0., math.nan], [1., 1.]]), torch.tensor([0, 2]), 2, 'non-finite value'),
    (torch.randn(4, 2), torch.tensor([0, 3, 2, 4]), 2, 'non-decreasing'),
    (torch.randn(4, 2), torch.tensor([0, 5]), 2, 'end at N=4'),
    (torch.randn(4, 2), torch.tensor([1, 4]), 2, 'start at 0'),
    (torch.randn(4), torch.tensor([0, 4]), 2, r'\[N, D\]'),
    (torch.randn(4, 2), torch.tensor([0, 4], dtype=torch.int32), 2, 'int64'),
    (torch.ones(4, 2, dtype=torch.long), torch.tensor([0, 4]), 2, 'floating point'),
])
def test_bad_input_is_named(points, offsets, k, message):
    with pytest.raises(ValueError, match=message):
        masked_kmeans(points, offsets, k)


def test_bad_metric_and_init_shape():
    points, offsets = packed([10])
    with pytest.raises(ValueError, match='metric'):
        masked_kmeans(points, offsets, 2, metric='manhattan')
    with pytest.raises(ValueError, match='init_centroids'):
        masked_kmeans(points, offsets, 2, init_centroids=torch.zeros(1, 3, 8))
    with pytest.raises(ValueError, match='iters'):
        masked_kmeans(points, offsets, 2, iters=-1)


@pytest.mark.skipif(not torch.cuda.is_available(), reason='no CUDA device')
@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_cuda_low_precision_points(dtype):
    points, offsets = packed([50, 300, 1200], dim=16)
    low = points.to(dtype)
    init = kmeanspp_init(low.float(), offsets, 4, seed=1)
    got = masked_kmeans(low.cuda(), offsets.cuda(), 4, init_centroids=init.cuda())
    want = masked_kmeans_reference(low.float(), offsets, 4, init_centroids=init)
    torch.testing.assert_close(got.inertia.cpu(), want.inertia, rtol=1e-3, atol=1e-2)
    assert (got.labels.cpu() == want.labels).float().mean() > 0.99


def separated_blobs(sizes, blobs, dim=16, seed=0):
    """Packed instances, each ``blobs`` well-separated unit Gaussian blobs."""
    g = torch.Generator().manual_seed(seed)
    parts, truth = [], []
    for n in sizes:
        centres = torch.randn(blobs, dim, generator=g) * 10
        which = torch.randint(0, blobs, (n, ), generator=g)
        parts.append(centres[which] + torch.randn(n, dim, generator=g))
        truth.append(which)
    return torch.cat(parts), torch.tensor([0] + sizes).cumsum(0), truth


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('metric', ['l2', 'cosine'])
@pytest.mark.parametrize('n_init', [1, 3])
def test_op_matches_reference_on_clustered_data(device, metric, n_init):
    # clustered rows let the seeding skip rows by the triangle inequality
    points, offsets, _ = separated_blobs([5, 90, 400, 1500], blobs=6)
    got = masked_kmeans(
        points.to(device), offsets.to(device), 5, iters=30, metric=metric, seed=2, n_init=n_init)
    want = masked_kmeans_reference(
        points, offsets, 5, iters=30, metric=metric, seed=2, n_init=n_init)
    assert torch.equal(got.labels.cpu(), want.labels)
    torch.testing.assert_close(got.inertia.cpu(), want.inertia, rtol=1e-5, atol=1e-4)


def test_greedy_seeding_puts_one_seed_in_each_separated_blob():
    # plain k-means++ puts two seeds in one blob in about 3% of such instances
    sizes = [200 + 37 * b for b in range(64)]
    points, offsets, truth = separated_blobs(sizes, blobs=4, dim=32, seed=3)
    seeds = kmeanspp_init(points, offsets, 4, seed=0)
    for b in range(64):
        own = points[offsets[b]:offsets[b + 1]]
        rows = [int((own == s).all(1).nonzero()[0]) for s in seeds[b]]
        assert sorted(truth[b][rows].tolist()) == [0, 1, 2, 3], f'instance {b}'


def test_n_init_keeps_each_instances_best_restart():
    points, offsets = packed([300, 800, 1200], dim=6, seed=4)
    one = masked_kmeans(points, offsets, 7, iters=50, seed=9)
    many = masked_kmeans(points, offsets, 7, iters=50, seed=9, n_init=5)
    assert (many.inertia <= one.inertia).all()
    assert (many.inertia < one.inertia).any()
    want = masked_kmeans_reference(points, offsets, 7, iters=50, seed=9, n_init=5)
    assert torch.equal(many.labels, want.labels)
    again = masked_kmeans(points, offsets, 7, iters=50, seed=9, n_init=5)
    assert torch.equal(many.centroids, again.centroids) and torch.equal(many.labels, again.labels)
    with pytest.raises(ValueError, match='n_init must be 1 with init_centroids'):
        masked_kmeans(points, offsets, 7, init_centroids=many.centroids, n_init=2)


def test_restart_seeds_reproduce_the_ops_restarts():
    """A restart's seed uses all 64 bits; one start from it is that restart."""
    points, offsets = packed([300, 800], dim=6, seed=4)
    seeds = [restart_seed(5, r) for r in range(3)]
    assert max(seeds) >= 1 << 63
    runs = [masked_kmeans(points, offsets, 7, iters=50, seed=s) for s in seeds]
    many = masked_kmeans(points, offsets, 7, iters=50, seed=5, n_init=3)
    assert torch.equal(many.inertia, torch.stack([r.inertia for r in runs]).min(0).values)
    for s in seeds:
        assert torch.equal(
            kmeanspp_init(points, offsets, 7, s), kmeanspp_init_reference(points, offsets, 7, s))
    with pytest.raises(ValueError, match='seed must be < 2\\*\\*64'):
        kmeanspp_init(points, offsets, 7, 1 << 64)


@pytest.mark.parametrize('metric', ['l2', 'cosine'])
@pytest.mark.parametrize('dtype, scale, row', [(torch.float64, 1e300, 5), (torch.float32, 1e19, 7)])
def test_rows_overflowing_float32_are_named(metric, dtype, scale, row):
    points = torch.randn(12, 256, dtype=dtype)
    points[row] *= scale
    offsets = torch.tensor([0, 4, 12])
    with pytest.raises(ValueError, match=f'points row {row} overflows float32'):
        masked_kmeans(points, offsets, 2, metric=metric)
    with pytest.raises(ValueError, match=f'points row {row} overflows float32'):
        kmeanspp_init(points, offsets, 2)


def test_non_finite_row_is_named_by_the_op():
    points = torch.randn(12, 4)
    points[9, 1] = math.inf
    with pytest.raises(ValueError, match=r'non-finite value \(first at row 9\)'):
        masked_kmeans(points, torch.tensor([0, 4, 12]), 2)


@pytest.mark.parametrize('kwargs, name', [
    (dict(k=2.0), 'k'),
    (dict(k=True), 'k'),
    (dict(k=2, iters=3.5), 'iters'),
    (dict(k=2, iters='5'), 'iters'),
    (dict(k=2, seed=1.5), 'seed'),
    (dict(k=2, seed=None), 'seed'),
    (dict(k=2, n_init=None), 'n_init'),
])
def test_wrong_type_arguments_are_named(kwargs, name):
    points, offsets = packed([10])
    with pytest.raises(ValueError, match=f'^{name} must be an int'):
        masked_kmeans(points, offsets, **kwargs)


def test_numpy_integers_are_accepted():
    points, offsets = packed([50])
    result = masked_kmeans(points, offsets, np.int64(3), iters=np.int32(5), seed=np.uint8(1))
    assert result.centroids.shape == (1, 3, 8)


CUDA_ONLY = pytest.mark.skipif(not torch.cuda.is_available(), reason='no CUDA device')


@CUDA_ONLY
@pytest.mark.parametrize('k', [3, 8, 17, 40, 64])
def test_cuda_lloyd_matches_reference_for_k(k):
    points, offsets, _ = separated_blobs([0, 3, 70, 500, 1500], blobs=12, dim=24, seed=k)
    init = kmeanspp_init_reference(points, offsets, k, seed=1)
    got = masked_kmeans(points.cuda(), offsets.cuda(), k, iters=30, init_centroids=init.cuda())
    want = masked_kmeans_reference(points, offsets, k, iters=30, init_centroids=init)
    # float atomics sum in varying order: near-ties may go either way
    assert (got.labels.cpu() == want.labels).float().mean() > 0.99
    torch.testing.assert_close(got.inertia.cpu(), want.inertia, rtol=1e-3, atol=1e-2)


@CUDA_ONLY
@pytest.mark.parametrize('k', [3, 8, 17, 40, 64])
def test_cuda_seeding_kernel_matches_reference_for_k(k):
    sizes = [0, 2, 80, 300, 700, 1500] * 4
    points, offsets, _ = separated_blobs(sizes, blobs=10, dim=24, seed=100 + k)
    got = kmeanspp_init(points.cuda(), offsets.cuda(), k, seed=7).cpu()
    want = kmeanspp_init_reference(points, offsets, k, seed=7)
    same = [torch.equal(got[b], want[b]) for b in range(len(sizes))]
    # potentials summed in another order may break a near-tie the other way
    assert sum(same) >= 0.9 * len(sizes)
    for b in range(len(sizes)):
        own = points[offsets[b]:offsets[b + 1]]
        kept = got[b][~torch.isnan(got[b]).any(1)]
        assert all((own == c).all(1).any() for c in kept)


@CUDA_ONLY
def test_cuda_n_init_keeps_best_restart():
    points, offsets = packed([300, 800, 1200], dim=6, seed=4)
    one = masked_kmeans(points.cuda(), offsets.cuda(), 7, iters=50, seed=9)
    many = masked_kmeans(points.cuda(), offsets.cuda(), 7, iters=50, seed=9, n_init=5)
    assert (many.inertia <= one.inertia).all()
