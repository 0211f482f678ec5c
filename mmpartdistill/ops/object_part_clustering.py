"""Per-object part clustering of feature maps: stage 1's grouping step.

Features are clustered inside each object mask at feature resolution, then
every full-resolution pixel of the mask goes to the centroid of highest score
(as the PartDistillation authors assign). Scores are linear in the feature,
so scoring the low-resolution map and upsampling the score maps equals
scoring upsampled features, without materialising a full-resolution
``[C, H, W]`` map.
"""
from typing import Sequence, Union

import torch
import torch.nn.functional as F

from .masked_kmeans import masked_kmeans

FeatureLevels = Union[torch.Tensor, Sequence[torch.Tensor]]


def concat_levels(features: FeatureLevels) -> torch.Tensor:
    """``[B, C, h, w]`` from one map or a list of levels, each upsampled
    (bilinear) to the first level's size and concatenated on channels."""
    if isinstance(features, torch.Tensor):
        return features
    size = features[0].shape[-2:]
    return torch.cat([
        f if f.shape[-2:] == size else F.interpolate(
            f, size=size, mode='bilinear', align_corners=False) for f in features
    ],
                     dim=1)


def masks_at(masks: torch.Tensor, size) -> torch.Tensor:
    """Feature cells inside each mask: those more than half covered; a mask
    covering no cell that much keeps every cell it touches."""
    cover = F.adaptive_avg_pool2d(masks[:, None].float(), size)[:, 0] \
        if masks.shape[-2:] != tuple(size) else masks.float()
    inside = cover > 0.5
    tiny = ~inside.flatten(1).any(1)
    inside[tiny] = cover[tiny] > 0
    return inside


def cluster_object_parts(features: FeatureLevels,
                         masks: torch.Tensor,
                         image_index: torch.Tensor,
                         k: int = 4,
                         metric: str = 'dot',
                         iters: int = 20,
                         seed: int = 0) -> torch.Tensor:
    """Part index map ``[M, H, W]`` (-1 outside the mask) of every object mask.

    Args:
        features: ``[B, C, h, w]`` or a list of levels (see :func:`concat_levels`).
        masks: ``[M, H, W]`` object masks at image resolution; ``H, W`` must be
            a whole multiple of the feature size, as padding-free strides give.
        image_index: ``[M]`` image of each mask in the feature batch.
        k: parts per object.
        metric: k-means metric (``'dot'``, ``'l2'`` or ``'cosine'``).
        iters, seed: k-means iterations and seed.
    """
    feats = concat_levels(features)
    if masks.dim() != 3 or image_index.shape != (masks.shape[0], ):
        raise ValueError(f'masks must be [M, H, W] with image_index [M], got '
                         f'{tuple(masks.shape)} and {tuple(image_index.shape)}')
    if len(masks) and int(image_index.max()) >= feats.shape[0]:
        raise ValueError(f'image_index {int(image_index.max())} is out of the feature batch '
                         f'of {feats.shape[0]}')
    labels = torch.full(masks.shape, -1, dtype=torch.long, device=masks.device)
    masks = masks.bool()
    if len(masks) == 0:
        return labels
    h, w = feats.shape[-2:]
    cells = masks_at(masks, (h, w))
    flat = feats.flatten(2).transpose(1, 2)  # [B, h*w, C]
    points = torch.cat([flat[i][c.flatten()] for i, c in zip(image_index.tolist(), cells)])
    sizes = cells.flatten(1).sum(1)
    offsets = torch.cat([sizes.new_zeros(1), sizes.cumsum(0)]).long()
    centroids = masked_kmeans(points, offsets, k, iters, metric, seed).centroids
    if metric == 'cosine':
        centroids = F.normalize(centroids, dim=2)
    scores = torch.einsum('mkc,mchw->mkhw', centroids.nan_to_num(0.0), feats[image_index].float())
    if metric == 'l2':  # nearest centroid: highest x.c - |c|^2 / 2
        scores = scores - 0.5 * (centroids.nan_to_num(0.0)**2).sum(2)[..., None, None]
    # unused centroids (objects with fewer cells than k) can never win; a finite
    # floor, as -inf would turn into NaN under interpolation
    scores = scores.masked_fill(torch.isnan(centroids[..., 0])[..., None, None], -1e30)
    full = F.interpolate(scores, size=masks.shape[-2:], mode='bilinear', align_corners=False)
    return torch.where(masks, full.argmax(1), labels)
