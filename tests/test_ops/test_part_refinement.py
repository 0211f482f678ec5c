import torch

from mmpartdistill.ops import drop_small_parts, refine_part_labels


def test_refinement_snaps_noisy_labels_to_colour_edges():
    image = torch.zeros(3, 20, 20)
    image[:, :, 10:] = 200.0  # a colour edge at column 10
    truth = torch.zeros(20, 20, dtype=torch.long)
    truth[:, 10:] = 1
    noisy = truth.clone()
    g = torch.Generator().manual_seed(0)
    flip = torch.rand(20, 20, generator=g) < 0.15
    noisy[flip] = 1 - noisy[flip]
    noisy[:2] = -1  # outside the object
    refined = refine_part_labels(image, noisy, num_parts=2)
    assert (refined[:2] == -1).all()
    assert (refined[2:] == truth[2:]).float().mean() > 0.98
    assert (noisy[2:] == truth[2:]).float().mean() < 0.9


def test_single_part_and_empty_object_are_untouched():
    labels = torch.full((5, 5), -1)
    assert torch.equal(refine_part_labels(torch.zeros(3, 5, 5), labels, 3), labels)
    labels[1:4, 1:4] = 0
    assert torch.equal(refine_part_labels(torch.zeros(3, 5, 5), labels, 1), labels)


def test_drop_small_parts():
    labels = torch.full((10, 10), -1)
    labels[:, :9] = 0
    labels[0, 9] = 1  # 1 pixel of 91: about 1%
    labels[1:, 9] = 2
    out = drop_small_parts(labels, 0.05)
    assert (out == 1).sum() == 0 and out[0, 9] == -1
    assert (out == 2).sum() == 9
    assert (out == 0).sum() == 90
