"""Where a proposal lies in its object: the layout stage 3 may cluster with."""
import numpy as np
import pytest

from mmpartdistill.engine.ranking.part_layout import part_layout, ranking_features


def box_object():
    obj = np.zeros((40, 20), bool)
    obj[:, :] = True
    top, bottom, left, right = (np.zeros_like(obj) for _ in range(4))
    top[:10] = True
    bottom[30:] = True
    left[:, :5] = True
    right[:, 15:] = True
    return obj, np.stack([top, bottom, left, right])


def test_layout_is_mirror_invariant_and_scale_free():
    obj, masks = box_object()
    layout = part_layout(obj, masks)
    top, bottom, left, right = layout
    assert top[1] < 0 < bottom[1], 'y grows downwards: the top part has dy < 0'
    assert top[1] == pytest.approx(-bottom[1])
    assert left == pytest.approx(right), 'left and right are mirror images: one layout'
    assert left[0] > top[0], 'side parts lie further out along x than the top one'
    big = part_layout(np.kron(obj, np.ones((3, 3), bool)), np.kron(masks, np.ones((1, 3, 3), bool)))
    assert big == pytest.approx(layout, abs=0.02), 'an object three times as large: same layout'


def test_layout_of_a_proposal_outside_the_object_is_the_centre():
    obj, masks = box_object()
    obj[:, 10:] = False
    layout = part_layout(obj, masks)
    assert layout[3] == pytest.approx([0, 0]), 'the right band lies outside what is left'
    assert part_layout(np.zeros_like(obj), masks) == pytest.approx(np.zeros((4, 2)))


def test_ranking_features_join_the_layout_only_when_weighted():
    obj, masks = box_object()
    feats = np.eye(4, 6, dtype=np.float16)
    assert np.array_equal(ranking_features(feats, obj, masks), feats.astype(np.float32))
    joint = ranking_features(feats, obj, masks, layout_weight=0.5)
    assert joint.shape == (4, 8)
    assert np.linalg.norm(joint, axis=1) == pytest.approx(np.ones(4), abs=1e-6)
    layout = part_layout(obj, masks)
    norm = np.sqrt(1 + 0.25 * (layout**2).sum(1))
    assert joint[:, 6:] == pytest.approx(0.5 * layout / norm[:, None], abs=1e-6)


def test_an_object_without_proposals_has_an_empty_layout():
    obj, masks = box_object()
    assert part_layout(obj, masks[:0]).shape == (0, 2)
    assert ranking_features(np.zeros((0, 6), np.float16), obj, masks[:0], 1.0).shape == (0, 8)
