import numpy as np
import pytest

from mmpartdistill.evaluation.functional import average_recall, object_recall_counts
from mmpartdistill.evaluation.functional.proposal_recall import non_overlapping


def box(y0, y1, x0, x1, shape=(10, 10)):
    m = np.zeros(shape, bool)
    m[y0:y1, x0:x1] = True
    return m


OBJ = np.ones((10, 10), bool)
GT = np.stack([box(0, 10, 0, 5), box(0, 10, 5, 10)])


def ar(proposals, max_dets=(1, 2, 10), overlapping=True, gt=GT):
    counts = object_recall_counts(OBJ, gt, proposals, max_dets, overlapping)
    return average_recall([counts], len(gt), max_dets)


def test_perfect_proposals():
    assert ar([(0.9, GT[0]), (0.8, GT[1])]) == {'AR@1': 50, 'AR@2': 100, 'AR@10': 100}


def test_partial_iou_counts_thresholds():
    # IoU 30/50 = 0.6 with the left part: matched at 0.5, 0.55, 0.6 -> 3 of 10 thresholds
    s = ar([(0.9, box(0, 6, 0, 5))], max_dets=(10, ))
    assert s['AR@10'] == pytest.approx(100 * 3 / 10 / 2)


def test_duplicates_match_one_part_only():
    s = ar([(0.9, GT[0]), (0.8, GT[0])], max_dets=(10, ))
    assert s['AR@10'] == 50


def test_top_n_by_score():
    s = ar([(0.1, GT[0]), (0.9, box(9, 10, 9, 10))], max_dets=(1, 2))
    assert s == {'AR@1': 0, 'AR@2': 50}


def test_no_proposals_and_no_gt():
    assert ar([], max_dets=(10, ))['AR@10'] == 0
    counts = object_recall_counts(OBJ, np.zeros((0, 10, 10), bool), [(1.0, GT[0])], (10, ))
    assert counts.sum() == 0
    with pytest.raises(ValueError, match='no ground-truth'):
        average_recall([counts], 0, (10, ))


def test_non_overlapping_gives_pixels_to_best_score():
    masks = np.stack([box(0, 10, 0, 10), box(0, 10, 5, 10)])
    disjoint = non_overlapping(masks, np.array([0.9, 0.5]))
    assert disjoint[0].all() and not disjoint[1].any()
    # the whole-object proposal overlaps both parts at IoU 0.5 at best
    s_over = ar([(0.9, masks[0]), (0.5, masks[1])], max_dets=(10, ))
    s_disjoint = ar([(0.9, masks[0]), (0.5, masks[1])], max_dets=(10, ), overlapping=False)
    assert s_over['AR@10'] == pytest.approx(100 * (10 + 1) / 20)
    assert s_disjoint['AR@10'] == pytest.approx(100 * 1 / 20)
