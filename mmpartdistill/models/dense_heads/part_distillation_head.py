"""PartDistillationHead: class-specific parts, K per object class (stage 4)."""
import math
from typing import List, Tuple

import torch
import torch.nn.functional as F
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from torch import Tensor, nn

from .query_mask2former_head import QueryMask2FormerHead

# a logit no softmax gives weight to, yet finite (no NaN in the loss)
EXCLUDED_LOGIT = -1e4


@MODELS.register_module()
class PartDistillationHead(QueryMask2FormerHead):
    """Mask2Former's head whose classifier has ``K x N_objects + 1`` outputs:
    part ``k`` of object class ``c`` is class ``c * K + k``, then no-object.

    Every data sample names its object's class (``object_label`` in its
    metainfo); only that class's K part logits and the no-object logit take
    part, in training (matching and losses) and at test time. Mask embeddings
    are L2-normalised and scaled by a learnt factor, so mask logits are
    ``scale * cos(embedding, pixel feature) * |pixel feature|``.

    Args:
        num_object_classes: N, object classes.
        num_parts: K, part clusters per object class.
        mask_embed_scale: initial value of the learnt mask-logit scale.
        **kwargs: :class:`Mask2FormerHead`'s arguments (the class counts
            follow from N and K).
    """

    def __init__(self,
                 *args,
                 num_object_classes: int,
                 num_parts: int,
                 mask_embed_scale: float = 10.0,
                 **kwargs) -> None:
        if num_object_classes < 1 or num_parts < 1:
            raise ValueError(f'num_object_classes and num_parts must be >= 1, got '
                             f'{num_object_classes} and {num_parts}')
        for key in ('num_things_classes', 'num_stuff_classes'):
            kwargs.pop(key, None)
        super().__init__(
            *args, num_things_classes=num_object_classes * num_parts, num_stuff_classes=0, **kwargs)
        self.num_object_classes, self.num_parts = num_object_classes, num_parts
        self.log_mask_scale = nn.Parameter(torch.tensor(math.log(mask_embed_scale)))

    def allowed_classes(self, batch_data_samples: SampleList, device) -> Tensor:
        """``[B, N*K + 1]`` mask of the logits each sample's object class may use."""
        allowed = torch.zeros((len(batch_data_samples), self.num_classes + 1),
                              dtype=torch.bool,
                              device=device)
        allowed[:, -1] = True
        for b, sample in enumerate(batch_data_samples):
            label = sample.metainfo.get('object_label')
            if label is None or not 0 <= int(label) < self.num_object_classes:
                raise ValueError(f'PartDistillationHead needs each data sample\'s object_label '
                                 f'(0..{self.num_object_classes - 1}) in its metainfo, got '
                                 f'{label!r}; add object_label to PackDetInputs meta_keys')
            allowed[b, int(label) * self.num_parts:(int(label) + 1) * self.num_parts] = True
        return allowed

    def _forward_head(self, decoder_out: Tensor, mask_feature: Tensor,
                      attn_mask_target_size: Tuple[int, int]) -> Tuple[Tensor, Tensor, Tensor]:
        decoder_out = self.transformer_decoder.post_norm(decoder_out)
        cls_pred = self.cls_embed(decoder_out)
        mask_embed = F.normalize(self.mask_embed(decoder_out), dim=-1) * self.log_mask_scale.exp()
        mask_pred = torch.einsum('bqc,bchw->bqhw', mask_embed, mask_feature)
        attn_mask = F.interpolate(
            mask_pred, attn_mask_target_size, mode='bilinear', align_corners=False)
        attn_mask = attn_mask.flatten(2).unsqueeze(1).repeat(
            (1, self.num_heads, 1, 1)).flatten(0, 1)
        return cls_pred, mask_pred, (attn_mask.sigmoid() < 0.5).detach()

    def forward_with_queries(self, x: List[Tensor],
                             batch_data_samples: SampleList) -> Tuple[list, list, Tensor]:
        """As the base class, with other classes' logits excluded per sample."""
        cls_preds, mask_preds, query_feats = super().forward_with_queries(x, batch_data_samples)
        allowed = self.allowed_classes(batch_data_samples, cls_preds[0].device)[:, None]
        cls_preds = [cls.masked_fill(~allowed, EXCLUDED_LOGIT) for cls in cls_preds]
        return cls_preds, mask_preds, query_feats

    def predict(self, x: Tuple[Tensor],
                batch_data_samples: SampleList) -> Tuple[Tensor, Tensor, Tensor]:
        """Part probabilities of each sample's own class ``[B, Q, K]`` (no-object
        dropped), mask logits ``[B, Q, H, W]`` at the padded input size, and
        query features ``[B, Q, C]``."""
        cls_preds, mask_preds, query_feats = self.forward_with_queries(x, batch_data_samples)
        prob = cls_preds[-1].softmax(-1)
        labels = [int(s.metainfo['object_label']) for s in batch_data_samples]
        index = torch.tensor([[lb * self.num_parts + k for k in range(self.num_parts)]
                              for lb in labels],
                             device=prob.device)
        part_prob = torch.gather(prob, 2, index[:, None].expand(-1, prob.shape[1], -1))
        size = batch_data_samples[0].metainfo['batch_input_shape']
        masks = F.interpolate(mask_preds[-1], size=size, mode='bilinear', align_corners=False)
        return part_prob, masks, query_feats
