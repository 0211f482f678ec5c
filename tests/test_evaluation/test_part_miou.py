import numpy as np
import pytest

from mmpartdistill.evaluation.functional import accumulate, object_pixel_counts, summarize


def halves(h=4, w=4):
    """A full 4x4 object: part 1 on the left half, part 2 on the right half."""
    gt = np.ones((h, w), np.int64)
    gt[:, w // 2:] = 2
    return np.ones((h, w), bool), gt


def box(y0, y1, x0, x1, shape=(4, 4)):
    m = np.zeros(shape, bool)
    m[y0:y1, x0:x1] = True
    return m


PARTS = {7: [1, 2]}


def score(preds, mapping, gt=None, obj=None, iou_drop=0.1, parts=PARTS):
    obj_default, gt_default = halves()
    counts = object_pixel_counts(obj if obj is not None else obj_default,
                                 gt if gt is not None else gt_default, preds, iou_drop)
    return summarize(accumulate([(7, counts)]), parts, mapping)


@pytest.mark.parametrize('mapping', ['majority', 'hungarian'])
def test_perfect_prediction(mapping):
    s = score([(0, 1.0, box(0, 4, 0, 2)), (1, 1.0, box(0, 4, 2, 4))], mapping)
    assert s['C-mIoU'] == s['A-mIoU'] == s['mACC'] == s['mIoPred'] == 100


def test_more_clusters_than_parts_majority_vs_hungarian():
    preds = [(0, 1.0, box(0, 4, 0, 2)), (1, 1.0, box(0, 2, 2, 4)), (2, 1.0, box(2, 4, 2, 4))]
    # majority: clusters 1 and 2 both vote for part 2 -> perfect
    assert score(preds, 'majority')['C-mIoU'] == 100
    # hungarian: only one of them maps to part 2 -> IoU 4/8; mean (1 + 0.5) / 2
    hung = score(preds, 'hungarian')
    assert hung['C-mIoU'] == pytest.approx(75)
    assert hung['mACC'] == pytest.approx(75)
    assert hung['mIoPred'] == pytest.approx(100)


def test_object_without_predictions_counts_as_missed():
    obj, gt = halves()
    perfect = object_pixel_counts(obj, gt, [(0, 1., box(0, 4, 0, 2)), (1, 1., box(0, 4, 2, 4))])
    missed = object_pixel_counts(obj, gt, [])
    s = summarize(accumulate([(7, perfect), (7, missed)]), PARTS, 'majority')
    assert s['C-mIoU'] == pytest.approx(50)
    assert s['mACC'] == pytest.approx(50)
    assert s['mIoPred'] == pytest.approx(100)


def test_part_absent_from_split_is_left_out():
    s = score([(0, 1.0, box(0, 4, 0, 2)), (1, 1.0, box(0, 4, 2, 4))],
              'majority',
              parts={7: [1, 2, 3]})
    assert s['C-mIoU'] == 100 and set(s['per_part_IoU']) == {1, 2}


def test_prediction_is_cut_to_object_and_low_iou_dropped():
    obj = box(0, 4, 0, 3)  # the object ends at column 3
    gt = np.where(obj, halves()[1], 0)
    # cluster 1 spills outside the object
    preds = [(0, 1.0, box(0, 4, 0, 2)), (1, 0.5, box(0, 4, 2, 4))]
    s = score(preds, 'majority', gt=gt, obj=obj)
    assert s['C-mIoU'] == 100  # the spill outside the object is ignored
    tiny = [(0, 1.0, box(0, 4, 0, 2)), (1, 0.5, box(0, 1, 2, 3))]
    # cluster 1 covers one pixel of part 2 (IoU 1/4): kept at iou_drop=0.1,
    # dropped at 0.3, when part 2 is missed entirely
    kept = score(tiny, 'majority', gt=gt, obj=obj)
    dropped = score(tiny, 'majority', gt=gt, obj=obj, iou_drop=0.3)
    assert kept['per_part_IoU'][2] == pytest.approx(25)
    assert dropped['per_part_IoU'][2] == 0


def test_highest_score_wins_overlaps():
    preds = [(0, 0.9, box(0, 4, 0, 2)), (1, 0.2, box(0, 4, 0, 4))]
    s = score(preds, 'hungarian')
    assert s['C-mIoU'] == 100


def test_class_means_weight_classes_equally():
    obj, gt = halves()
    good = object_pixel_counts(obj, gt, [(0, 1., box(0, 4, 0, 2)), (1, 1., box(0, 4, 2, 4))])
    gt3 = np.full((4, 4), 5)  # class 8 has a single part covering the object
    bad = object_pixel_counts(obj, gt3, [(0, 1., box(0, 2, 0, 4))])
    s = summarize(accumulate([(7, good), (8, bad)]), {7: [1, 2], 8: [5]}, 'majority')
    assert s['C-mIoU'] == pytest.approx((100 + 50) / 2)
    assert s['A-mIoU'] == pytest.approx((100 + 100 + 50) / 3)


def test_unknown_mapping():
    with pytest.raises(ValueError, match='mapping'):
        score([(0, 1.0, box(0, 4, 0, 2))], 'nearest')


def test_prediction_of_another_size_is_refused():
    with pytest.raises(ValueError, match='part 3: prediction mask of shape'):
        score([(3, 1.0, np.ones((2, 2), bool))], 'majority')


def test_identity_mapping_scores_part_ids_as_labelled():
    """A supervised model's part id k is the part whose category has part_id k."""
    obj, gt = halves()
    swapped = object_pixel_counts(obj, gt, [(1, 1., box(0, 4, 0, 2)), (0, 1., box(0, 4, 2, 4))])
    counts = accumulate([(7, swapped)])
    assert summarize(counts, PARTS, 'majority')['C-mIoU'] == 100
    assert summarize(counts, PARTS, 'identity', {1: 0, 2: 1})['C-mIoU'] == 0
    assert summarize(counts, PARTS, 'identity', {1: 1, 2: 0})['C-mIoU'] == 100
    with pytest.raises(ValueError, match=r'categories \[2\] have no part_id'):
        summarize(counts, PARTS, 'identity', {1: 1})
