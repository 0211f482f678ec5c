import pytest
import torch

from mmpartdistill.ops import cluster_object_parts, concat_levels


def two_region_features(c=8, h=8, w=8):
    """Left half and right half carry different feature vectors (plus noise)."""
    g = torch.Generator().manual_seed(0)
    feats = 0.05 * torch.randn(1, c, h, w, generator=g)
    feats[0, 0, :, :w // 2] += 3.0
    feats[0, 1, :, w // 2:] += 3.0
    return feats


@pytest.mark.parametrize('metric', ['dot', 'l2', 'cosine'])
def test_full_resolution_pixels_follow_feature_regions(metric):
    feats = two_region_features()
    masks = torch.zeros(1, 32, 32, dtype=torch.bool)
    masks[0, 4:28, 4:28] = True
    labels = cluster_object_parts(feats, masks, torch.tensor([0]), k=2, metric=metric)
    assert (labels[~masks] == -1).all()
    left, right = labels[0, 4:28, 4:14], labels[0, 4:28, 18:28]
    assert left.unique().numel() == 1 and right.unique().numel() == 1
    assert left[0, 0] != right[0, 0]


def test_levels_are_upsampled_and_concatenated():
    a, b = torch.randn(2, 3, 8, 8), torch.randn(2, 5, 4, 4)
    out = concat_levels([a, b])
    assert out.shape == (2, 8, 8, 8)
    assert torch.equal(out[:, :3], a)


def test_empty_mask_gets_no_parts():
    masks = torch.zeros(2, 16, 16, dtype=torch.bool)
    masks[1, 4:12, 4:12] = True
    labels = cluster_object_parts(torch.randn(1, 4, 4, 4), masks, torch.tensor([0, 0]), k=2)
    assert (labels[0] == -1).all() and (labels[1][masks[1]] >= 0).all()


def test_tiny_masks_and_image_index():
    feats = torch.randn(2, 4, 4, 4)
    masks = torch.zeros(3, 16, 16, dtype=torch.bool)
    masks[0, 0, 0] = True  # smaller than a feature cell: one part
    masks[1, :8, :8] = True
    masks[2, 8:, 8:] = True
    labels = cluster_object_parts(feats, masks, torch.tensor([0, 1, 1]), k=3)
    assert labels[0, 0, 0] == 0 and (labels[0] >= 0).sum() == 1
    assert ((labels[1] >= 0) == masks[1]).all()
    with pytest.raises(ValueError, match='image_index 5 is out of the feature batch of 2'):
        cluster_object_parts(feats, masks, torch.tensor([0, 1, 5]), k=3)
    with pytest.raises(ValueError, match=r'masks must be \[M, H, W\]'):
        cluster_object_parts(feats, masks, torch.tensor([0, 1]), k=3)
