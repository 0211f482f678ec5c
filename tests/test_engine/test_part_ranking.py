"""Stage 3 pieces: kept proposals, labelling, feature banks, per-class clustering, shards."""

import numpy as np
import pytest
import torch

from mmpartdistill.datasets import AnnotationFormatError
from mmpartdistill.engine.ranking import (FeatureBank, class_part_scores, cluster_classes,
                                          cluster_with_faiss, cluster_with_op, kept_proposals,
                                          label_object)
from mmpartdistill.engine.ranking.proposal_shards import (read_proposal_shard, unpack_masks,
                                                          write_proposal_shard)


def object_and_proposals():
    """A 10x10 object; proposals: left half, right half, a sliver, the whole object."""
    obj = np.zeros((12, 12), bool)
    obj[1:11, 1:11] = True
    masks = np.zeros((4, 12, 12), bool)
    masks[0][1:11, 1:6] = True
    masks[1][1:11, 6:11] = True
    masks[2][1:11, 1:2] = True
    masks[3] = obj
    return obj, masks


def test_kept_proposals_follow_the_authors_rule():
    obj, masks = object_and_proposals()
    scores = np.array([0.9, 0.8, 0.95, 0.2])
    # the sliver wins 10 of 100 pixels, the whole object wins nothing it did not lose
    assert sorted(kept_proposals(obj, masks, scores, 200, 0.05, 0.3).tolist()) == [0, 1, 2]
    assert sorted(kept_proposals(obj, masks, scores, 200, 0.2, 0.3).tolist()) == [0, 1]
    assert sorted(kept_proposals(obj, masks, scores, 200, 0.05, 0.85).tolist()) == [0, 2]
    assert kept_proposals(obj, masks, scores, 1, 0.0, 0.0).tolist() == [2], 'top-1 only'


def test_class_part_scores_is_foreground_times_softmax():
    feats = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    centroids = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]], np.float32)
    scores = class_part_scores(np.array([0.5, 1.0]), feats, centroids, temperature=0.5)
    logits = feats @ centroids.T / 0.5
    expected = np.exp(logits) / np.exp(logits).sum(1, keepdims=True) * np.array([[0.5], [1.0]])
    np.testing.assert_allclose(scores, expected, rtol=1e-6)


def test_label_object_merges_clusters_and_drops_weak_parts():
    obj, masks = object_and_proposals()
    # queries 0 and 2 belong to cluster 1, query 1 to cluster 0, query 3 is weak
    scores = np.array([[0.1, 0.8], [0.7, 0.1], [0.0, 0.9], [0.05, 0.05]])
    parts = {k: (s, m) for k, s, m in label_object(obj, masks, scores, 200, 0.05, 0.1)}
    assert set(parts) == {0, 1}
    assert (parts[1][1] == masks[0]).all(), 'left half: queries 0 and 2 merged'
    assert (parts[0][1] == masks[1]).all()
    assert parts[1][0] == pytest.approx((10 * 0.9 + 40 * 0.8) / 50)
    # a higher area threshold drops both halves; a higher score threshold drops cluster 0
    assert label_object(obj, masks, scores, 200, 0.6, 0.1) == []
    assert [k for k, _, _ in label_object(obj, masks, scores, 200, 0.05, 0.75)] == [1]


def blobs(num, dim, seed, centres=3):
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centres, dim)) * 4
    x = c[rng.integers(0, centres, num)] + rng.standard_normal((num, dim)) * 0.1
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def build_bank(tmp_path, counts, dim=8):
    return FeatureBank.build(
        str(tmp_path / 'bank'), [{
            c: blobs(n, dim, c)
            for c, n in counts.items() if n
        }])


def test_feature_bank_streams_classes_to_disk(tmp_path):
    feats = {3: blobs(30, 8, 0), 5: blobs(10, 8, 1)}
    bank = FeatureBank.build(
        str(tmp_path / 'bank'), [{
            3: feats[3][:20]
        }, {
            3: feats[3][20:],
            5: feats[5]
        }])
    assert bank.counts == {3: 30, 5: 10} and bank.dim == 8
    np.testing.assert_array_equal(bank.load(3), feats[3])
    assert bank.load(9).shape == (0, 8)
    # batches hold at most the memory limit, a larger class alone
    assert bank.batches([3, 5], 30 * 8 * 4 / 2**20) == [[3], [5]]
    assert bank.batches([3, 5], 1) == [[3, 5]]
    assert not (tmp_path / 'bank.tmp').exists()


def test_feature_bank_damage_is_named(tmp_path):
    bank = build_bank(tmp_path, {1: 20})
    with open(tmp_path / 'bank' / 'class_1.f32', 'ab') as f:
        f.write(b'\0' * 12)
    with pytest.raises(AnnotationFormatError, match='class_1.f32'):
        bank.load(1)
    (tmp_path / 'bank' / 'index.json').write_text('{"dim": 8')
    with pytest.raises(AnnotationFormatError, match='index.json'):
        FeatureBank(str(tmp_path / 'bank'))


@pytest.mark.parametrize('backend', ['op', 'faiss', 'auto'])
def test_clusters_separate_blobs_and_handle_small_classes(tmp_path, backend):
    bank = build_bank(tmp_path, {1: 300, 2: 200, 3: 2, 4: 0})
    centroids = cluster_classes(bank, [1, 2, 3, 4], 3, iters=20, seed=0, backend=backend)
    assert set(centroids) == {1, 2, 3}, 'a class without features gets no centroids'
    assert centroids[3].shape == (2, 8), 'fewer features than clusters: one per feature'
    for c in (1, 2):
        assert centroids[c].shape == (3, 8)
        np.testing.assert_allclose(np.linalg.norm(centroids[c], axis=1), 1, rtol=1e-5)
        # every feature lies close to one centroid: the three blobs were found
        assert (bank.load(c) @ centroids[c].T).max(1).min() > 0.95


def test_op_and_faiss_agree():
    feats = [blobs(200, 16, 7), blobs(150, 16, 8)]
    offsets = np.array([0, 200, 350])
    for x, a in zip(feats, cluster_with_op(np.concatenate(feats), offsets, 3, 20, 0)):
        b = cluster_with_faiss(x, 3, 20, 0)
        assert (a @ b.T).max(1).min() > 0.99


def fit_of(feats, centroids):
    """Summed cosine of each feature to its nearest centroid (what restarts maximise)."""
    return float((feats @ centroids.T).max(1).sum())


@pytest.mark.parametrize('backend', ['op', 'faiss'])
def test_restarts_keep_each_classes_best_start(tmp_path, backend):
    # many loose blobs, fewer clusters: single starts end in different optima
    feats = {c: blobs(400, 8, 100 + c, centres=12) for c in range(1, 9)}
    bank = FeatureBank.build(str(tmp_path / 'bank'), [feats])
    one = cluster_classes(bank, list(feats), 5, iters=20, seed=3, backend=backend)
    best = cluster_classes(bank, list(feats), 5, iters=20, seed=3, backend=backend, restarts=6)
    gains = [fit_of(feats[c], best[c]) - fit_of(feats[c], one[c]) for c in feats]
    assert min(gains) > -1e-3, 'restart 0 is the single start, so no class gets worse'
    assert max(gains) > 1.0, 'some class found a better optimum'
    again = cluster_classes(bank, list(feats), 5, iters=20, seed=3, backend=backend, restarts=6)
    for c in feats:
        np.testing.assert_allclose(again[c], best[c], atol=1e-6)


def test_op_and_faiss_restarts_agree():
    feats = blobs(400, 8, 105, centres=12)
    a = cluster_with_op(feats.copy(), np.array([0, 400]), 5, 20, 3, restarts=6)[0]
    b = cluster_with_faiss(feats, 5, 20, 3, restarts=6)
    assert abs(fit_of(feats, a) - fit_of(feats, b)) < 0.01 * fit_of(feats, a)


def test_unknown_backend():
    with pytest.raises(ValueError, match='backend'):
        cluster_classes(None, [], 3, backend='sklearn')


def test_proposal_shard_round_trip_and_damage(tmp_path):
    obj, masks = object_and_proposals()
    record = dict(
        object_id=7,
        box=(0, 0, 12, 12),
        object_mask=np.packbits(obj),
        masks=np.packbits(masks.reshape(4, -1), axis=1),
        scores=np.ones(4, np.float32),
        feats=np.zeros((4, 8), np.float16))
    path = str(tmp_path / 'shard_000000.pt')
    write_proposal_shard(dict(images=[], objects=[], proposals=[record]), path)
    back_obj, back_masks = unpack_masks(read_proposal_shard(path)['proposals'][0])
    assert (back_obj == obj).all() and (back_masks == masks).all()
    with open(path, 'r+b') as f:
        f.truncate(40)
    with pytest.raises(AnnotationFormatError, match='shard_000000.pt'):
        read_proposal_shard(path)
    torch.save(dict(images=[]), path)
    with pytest.raises(AnnotationFormatError, match='not a proposal shard'):
        read_proposal_shard(path)


def test_object_without_proposals_round_trips(tmp_path):
    from mmengine.structures import InstanceData
    from mmpartdistill.engine.ranking.proposal_shards import object_proposals
    obj, _ = object_and_proposals()
    none = InstanceData(
        masks=torch.zeros((0, 12, 12), dtype=torch.bool),
        scores=torch.zeros(0),
        query_feats=torch.zeros((0, 8)),
        object_ids=torch.zeros(0, dtype=torch.long))
    (record, ) = object_proposals(none, {7: obj})
    back_obj, back_masks = unpack_masks(record)
    assert (back_obj == obj[1:11, 1:11]).all() and back_masks.shape == (0, 10, 10)
    assert label_object(back_obj, back_masks, np.zeros((0, 3)), 200, 0.0, 0.0) == []
    assert len(kept_proposals(back_obj, back_masks, np.zeros(0), 200, 0.0, 0.0)) == 0


def test_packed_load_matches_per_class_load_and_names_a_short_file(tmp_path):
    bank = build_bank(tmp_path, {1: 30, 2: 0, 3: 12})
    points, offsets = bank.load_packed([3, 2, 1])
    assert offsets.tolist() == [0, 12, 12, 42]
    np.testing.assert_array_equal(points[:12], bank.load(3))
    np.testing.assert_array_equal(points[12:], bank.load(1))
    again, _ = bank.load_packed([3], out=points)
    assert np.shares_memory(again, points) and again.shape == (12, 8)
    path = tmp_path / 'bank' / 'class_1.f32'
    path.write_bytes(path.read_bytes()[:-4])
    with pytest.raises(AnnotationFormatError, match='class_1.f32'):
        bank.load_packed([1])
