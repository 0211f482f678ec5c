"""PartDistillationHead: class-specific parts, K per object class (stage 4)."""
from typing import List, Optional, Sequence, Tuple

import torch
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from torch import Tensor

from ..utils import ScaledL2Norm, require_class_counts
from .query_mask2former_head import QueryMask2FormerHead

# a logit no softmax gives weight to, yet finite (no NaN in the loss)
EXCLUDED_LOGIT = -1e4


@MODELS.register_module()
class PartDistillationHead(QueryMask2FormerHead):
    """Mask2Former's head whose classifier has ``K x N_objects + 1`` outputs:
    part ``k`` of object class ``c`` is class ``c * K + k``, then no-object.

    Every data sample names its object's class (``object_label`` in its
    metainfo); ``forward`` gives other classes' parts (and the slots beyond
    its own class's part count) a logit no softmax weighs, so only the
    object's parts and no-object take part in
    matching, losses and inference, in this project's detector and in a
    stock :class:`Mask2Former` alike. Mask embeddings are L2-normalised and
    scaled by a learnt factor (the last layer of ``mask_embed``), so mask
    logits are ``scale * cos(embedding, pixel feature) * |pixel feature|``.

    Args:
        num_object_classes: N, object classes.
        num_parts: K, part slots per object class.
        parts_per_class: each class's own part count (at most K; default K
            for all), as stage 3 found them.
        mask_embed_scale: initial value of the learnt mask-logit scale.
        **kwargs: :class:`Mask2FormerHead`'s arguments (the class counts
            follow from N and K).
    """

    def __init__(self,
                 *args,
                 num_object_classes: Optional[int],
                 num_parts: Optional[int],
                 parts_per_class: Optional[Sequence[int]] = None,
                 mask_embed_scale: float = 10.0,
                 **kwargs) -> None:
        require_class_counts(
            type(self).__name__, num_object_classes=num_object_classes, num_parts=num_parts)
        if num_object_classes < 1 or num_parts < 1:
            raise ValueError(f'num_object_classes and num_parts must be >= 1, got '
                             f'{num_object_classes} and {num_parts}')
        parts_per_class = tuple(parts_per_class or (num_parts, ) * num_object_classes)
        if len(parts_per_class) != num_object_classes or not all(0 <= int(k) <= num_parts
                                                                 for k in parts_per_class):
            raise ValueError(f'parts_per_class must give 0..{num_parts} parts for each of the '
                             f'{num_object_classes} classes, got {list(parts_per_class)}')
        for key in ('num_things_classes', 'num_stuff_classes'):
            kwargs.pop(key, None)
        super().__init__(
            *args, num_things_classes=num_object_classes * num_parts, num_stuff_classes=0, **kwargs)
        self.num_object_classes, self.num_parts = num_object_classes, num_parts
        self.parts_per_class = tuple(int(k) for k in parts_per_class)
        self.mask_embed.append(ScaledL2Norm(mask_embed_scale))

    def object_labels(self, batch_data_samples: SampleList) -> List[int]:
        """Each sample's ``object_label``, checked."""
        labels = []
        for sample in batch_data_samples:
            label = sample.metainfo.get('object_label')
            if label is None or not 0 <= int(label) < self.num_object_classes:
                raise ValueError(f'PartDistillationHead needs each data sample\'s object_label '
                                 f'(0..{self.num_object_classes - 1}) in its metainfo, got '
                                 f'{label!r}; add object_label to PackDetInputs meta_keys')
            labels.append(int(label))
        return labels

    def allowed_classes(self, batch_data_samples: SampleList, device) -> Tensor:
        """``[B, N*K + 1]`` mask of the logits each sample's object class may use."""
        allowed = torch.zeros((len(batch_data_samples), self.num_classes + 1),
                              dtype=torch.bool,
                              device=device)
        allowed[:, -1] = True
        for b, label in enumerate(self.object_labels(batch_data_samples)):
            first = label * self.num_parts
            allowed[b, first:first + self.parts_per_class[label]] = True
        return allowed

    def forward(self, x: List[Tensor], batch_data_samples: SampleList) -> Tuple[list, list]:
        """Mask2Former's forward, other classes' part logits excluded per sample."""
        cls_preds, mask_preds = super().forward(x, batch_data_samples)
        allowed = self.allowed_classes(batch_data_samples, cls_preds[0].device)[:, None]
        return [cls.masked_fill(~allowed, EXCLUDED_LOGIT) for cls in cls_preds], mask_preds

    def part_probabilities(self, cls_logits: Tensor, batch_data_samples: SampleList) -> Tensor:
        """``[B, Q, K]`` probabilities of each sample's own class's parts
        (softmax over all outputs, no-object dropped) from ``[B, Q, N*K + 1]`` logits."""
        prob = cls_logits.softmax(-1)
        first = torch.tensor(
            self.object_labels(batch_data_samples), device=prob.device) * self.num_parts
        index = first[:, None] + torch.arange(self.num_parts, device=prob.device)
        return torch.gather(prob, 2, index[:, None].expand(-1, prob.shape[1], -1))
