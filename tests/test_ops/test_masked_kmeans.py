import math

import pytest
import torch

from mmpartdistill.ops import (kmeanspp_init, kmeanspp_init_reference, masked_kmeans,
                               masked_kmeans_reference)

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
