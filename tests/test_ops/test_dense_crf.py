"""The authors' fully connected CRF (pydensecrf), beside the windowed torch CRF."""
import pytest
import torch

import mmpartdistill.ops.dense_crf as dense_crf
from mmpartdistill.ops import refine_part_labels, refine_part_labels_dense


def noisy_two_part_object(size: int = 24, flip: float = 0.15):
    image = torch.zeros(3, size, size)
    image[:, :, size // 2:] = 200.0  # a colour edge down the middle
    truth = torch.zeros(size, size, dtype=torch.long)
    truth[:, size // 2:] = 1
    noisy = truth.clone()
    flips = torch.rand(size, size, generator=torch.Generator().manual_seed(0)) < flip
    noisy[flips] = 1 - noisy[flips]
    noisy[:3] = -1  # outside the object
    return image, truth, noisy


@pytest.mark.parametrize('refine', [refine_part_labels_dense, refine_part_labels])
def test_both_crfs_snap_noisy_labels_to_the_colour_edge(refine):
    image, truth, noisy = noisy_two_part_object()
    refined = refine(image, noisy, num_parts=2)
    assert (refined[:3] == -1).all(), 'pixels outside the object stay unlabelled'
    assert (noisy[3:] == truth[3:]).float().mean() < 0.9
    assert (refined[3:] == truth[3:]).float().mean() > 0.98


def test_outside_pixels_do_not_pull_parts_over_the_edge():
    image, _, noisy = noisy_two_part_object()
    image[:, :3] = 0.0  # the background has part 0's colour
    refined = refine_part_labels_dense(image, noisy, num_parts=2)
    assert set(refined[3:].unique().tolist()) == {0, 1}
    assert (refined[:3] == -1).all()


def test_single_part_and_empty_object_are_untouched():
    labels = torch.full((5, 5), -1)
    assert torch.equal(refine_part_labels_dense(torch.zeros(3, 5, 5), labels, 3), labels)
    labels[1:4, 1:4] = 0
    assert torch.equal(refine_part_labels_dense(torch.zeros(3, 5, 5), labels, 1), labels)


def test_missing_pydensecrf_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(dense_crf, 'dense_crf_available', lambda: False)
    image, _, noisy = noisy_two_part_object()
    with pytest.raises(ImportError, match=r"pip install pydensecrf2.*crf='windowed'"):
        refine_part_labels_dense(image, noisy, 2)
