"""PartSegformerHead: SegFormer's head for object-class x part maps, with given objects."""
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from mmseg.models.decode_heads import SegformerHead
from mmseg.registry import MODELS
from torch import Tensor

from ...datasets.part_maps_meta import load_part_maps_meta
from ..dense_heads.part_distillation_head import EXCLUDED_LOGIT


@MODELS.register_module()
class PartSegformerHead(SegformerHead):
    """SegFormer's all-MLP head over ``num_classes`` part classes, ``num_parts``
    per object class (part ``k`` of object class ``c`` is class ``c * K + k``,
    the label space of ``semantic_part_maps.py --by part_id``).

    Training is SegFormer's. At inference, when the data samples carry the
    objects (``object_class_map`` in their metainfo, from
    :class:`LoadObjectClassMap`: each pixel's object class, ``ignore_index``
    outside objects), a pixel of an object of class ``c`` can only take one of
    ``c``'s K parts: the protocol of part segmentation with given objects.
    Without it, every class competes at every pixel.

    Args:
        part_maps: the ``part_maps.json`` of the training maps, whose label
            space sets ``num_classes`` and ``num_parts``; or give both:
        num_parts: K, parts per object class; ``num_classes`` must be a multiple.
        **kwargs: :class:`SegformerHead`'s arguments.
    """

    def __init__(self,
                 *,
                 part_maps: Optional[str] = None,
                 num_parts: Optional[int] = None,
                 **kwargs) -> None:
        if part_maps is not None:
            meta = load_part_maps_meta(part_maps, discovered=True)
            kwargs['num_classes'], num_parts = len(meta['classes']), meta['num_parts']
        if num_parts is None:
            raise ValueError('PartSegformerHead needs part_maps, or num_classes and num_parts')
        super().__init__(**kwargs)
        if num_parts < 1 or self.num_classes % num_parts:
            raise ValueError(f'num_classes={self.num_classes} must be a multiple of '
                             f'num_parts={num_parts} (K parts per object class)')
        self.num_parts = num_parts

    def predict(self, inputs: Tuple[Tensor], batch_img_metas: List[dict], test_cfg) -> Tensor:
        seg_logits = super().predict(inputs, batch_img_metas, test_cfg)
        if not any('object_class_map' in meta for meta in batch_img_metas):
            return seg_logits
        return torch.stack([
            self.restrict_to_object(logits, meta)
            for logits, meta in zip(seg_logits, batch_img_metas)
        ])

    def restrict_to_object(self, logits: Tensor, meta: dict) -> Tensor:
        """``[C, H, W]`` logits with other classes' parts excluded inside each object."""
        if 'object_class_map' not in meta:
            raise ValueError('some data samples of the batch carry object_class_map and some '
                             f'do not ({meta.get("img_path")}): add LoadObjectClassMap to all')
        objects = torch.as_tensor(meta['object_class_map'], device=logits.device).long()
        h, w = objects.shape
        if h > logits.shape[1] or w > logits.shape[2]:
            raise ValueError(f'{meta.get("img_path")}: object_class_map of {h}x{w} on logits of '
                             f'{tuple(logits.shape[1:])}; resize it with the image (put '
                             "LoadObjectClassMap before Resize) and use test_cfg mode='whole'")
        # padding (bottom and right) lies outside every object
        objects = F.pad(
            objects, (0, logits.shape[2] - w, 0, logits.shape[1] - h), value=self.ignore_index)
        owner = torch.arange(self.num_classes, device=logits.device) // self.num_parts
        inside = objects < self.num_classes // self.num_parts
        allowed = (owner[:, None, None] == objects[None]) | ~inside[None]
        return logits.masked_fill(~allowed, EXCLUDED_LOGIT)
