import numpy as np
import pytest

from mmpartdistill.visualization import draw_proposal_panels, part_colour


def test_panels_show_top_proposals_in_score_order():
    image = np.full((40, 60, 3), 100, np.uint8)
    obj = np.zeros((40, 60), np.uint8)
    obj[10:30, 10:50] = 1
    left, right = obj.copy(), obj.copy()
    left[:, 30:] = 0
    right[:, :30] = 0
    row = draw_proposal_panels(image, obj, [(0, 0.2, left), (1, 0.9, right)], top=3, panel=64)
    assert row.shape == (64, 64 * 4, 3)
    best = row[:, 64:128]  # the 0.9 proposal (right half) comes first, in rank-0 colour
    colour = np.round(0.4 * 100 + 0.6 * part_colour(0)).astype(np.uint8)
    assert (best == colour).all(-1).sum() > 0
    ys, xs = np.nonzero((best == colour).all(-1))
    assert xs.min() > 20, 'the right half of the object is shaded'
    assert not row[:, 192:].any(), 'a missing third proposal leaves a black panel'


def test_empty_object_is_an_error():
    with pytest.raises(ValueError, match='empty'):
        draw_proposal_panels(np.zeros((8, 8, 3), np.uint8), np.zeros((8, 8)), [])
