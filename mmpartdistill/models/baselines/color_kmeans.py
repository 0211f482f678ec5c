"""ColorKMeansBaseline: k-means on the RGB colours inside each object."""
import torch
from mmdet.registry import MODELS

from ...ops import masked_kmeans
from .part_baseline import PartBaseline


@MODELS.register_module()
class ColorKMeansBaseline(PartBaseline):
    """Colour baseline: clusters each object's pixel colours into K parts.

    All objects of an image are clustered in one call of the masked k-means
    op. Clusters are renumbered by decreasing size, the only order colour
    clusters share across instances.

    Args:
        num_parts: K.
        iters: Lloyd iterations.
        seed: k-means++ seed.
    """

    def __init__(self, *, num_parts: int = 4, iters: int = 20, seed: int = 0, **kwargs) -> None:
        super().__init__(num_parts=num_parts, **kwargs)
        self.iters, self.seed = iters, seed

    def split_objects(self, image: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
        labels = torch.full(masks.shape, -1, dtype=torch.long)
        if len(masks) == 0:
            return labels
        masks = masks.cpu()
        colours = image.cpu().permute(1, 2, 0) / 255.0
        points = torch.cat([colours[m] for m in masks])
        sizes = masks.flatten(1).sum(1)
        offsets = torch.cat([sizes.new_zeros(1), sizes.cumsum(0)])
        assigned = masked_kmeans(points, offsets, self.num_parts, self.iters, seed=self.seed).labels
        for m, mask in enumerate(masks):
            part = assigned[offsets[m]:offsets[m + 1]]
            by_size = torch.argsort(
                torch.bincount(part, minlength=self.num_parts), descending=True, stable=True)
            labels[m][mask] = torch.argsort(by_size)[part]
        return labels
