"""PartProposalHead: Mask2Former's head with one foreground class and query features."""
from typing import List, Tuple

import torch
import torch.nn.functional as F
from mmdet.models.dense_heads import Mask2FormerHead
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmengine.logging import MMLogger
from torch import Tensor


@MODELS.register_module()
class PartProposalHead(Mask2FormerHead):
    """Class-agnostic part proposals: each query predicts a mask, a foreground
    score and its query feature (the decoder-normalised query embedding, L2
    normalised), the feature that stage 3 clusters into part classes.

    Takes every argument of :class:`Mask2FormerHead`; the class count is fixed
    to one foreground class. Loading a checkpoint of another class count
    (a COCO instance model, say) re-initialises the classifier and logs it;
    a checkpoint with another number of queries is an error.
    """

    def __init__(self,
                 *args,
                 num_things_classes: int = 1,
                 num_stuff_classes: int = 0,
                 **kwargs) -> None:
        if (num_things_classes, num_stuff_classes) != (1, 0):
            raise ValueError('PartProposalHead is class-agnostic: num_things_classes must be 1 '
                             f'and num_stuff_classes 0, got {num_things_classes} and '
                             f'{num_stuff_classes}')
        super().__init__(*args, num_things_classes=1, num_stuff_classes=0, **kwargs)

    def forward_with_queries(self, x: List[Tensor],
                             batch_data_samples: SampleList) -> Tuple[list, list, Tensor]:
        """Mask2Former's forward, also returning the last layer's query features.

        Returns:
            per-layer class logits ``[B, Q, 2]``, per-layer mask logits
            ``[B, Q, h, w]`` and query features ``[B, Q, C]`` (unit norm).
        """
        batch_size = x[0].shape[0]
        mask_features, memories = self.pixel_decoder(x)
        inputs, positions = [], []
        for level, memory in enumerate(memories):
            tokens = self.decoder_input_projs[level](memory).flatten(2).permute(0, 2, 1)
            inputs.append(tokens + self.level_embed.weight[level].view(1, 1, -1))
            padding = memory.new_zeros((batch_size, ) + memory.shape[-2:], dtype=torch.bool)
            positions.append(self.decoder_positional_encoding(padding).flatten(2).permute(0, 2, 1))
        query = self.query_feat.weight.unsqueeze(0).repeat(batch_size, 1, 1)
        query_pos = self.query_embed.weight.unsqueeze(0).repeat(batch_size, 1, 1)
        cls_pred, mask_pred, attn_mask = self._forward_head(query, mask_features,
                                                            memories[0].shape[-2:])
        cls_preds, mask_preds = [cls_pred], [mask_pred]
        for i, layer in enumerate(self.transformer_decoder.layers):
            level = i % self.num_transformer_feat_level
            # a query whose attention mask is all background attends everywhere
            attn_mask = attn_mask & (attn_mask.sum(-1) != attn_mask.shape[-1]).unsqueeze(-1)
            query = layer(
                query=query,
                key=inputs[level],
                value=inputs[level],
                query_pos=query_pos,
                key_pos=positions[level],
                cross_attn_mask=attn_mask,
                query_key_padding_mask=None,
                key_padding_mask=None)
            next_size = memories[(i + 1) % self.num_transformer_feat_level].shape[-2:]
            cls_pred, mask_pred, attn_mask = self._forward_head(query, mask_features, next_size)
            cls_preds.append(cls_pred)
            mask_preds.append(mask_pred)
        query_feats = F.normalize(self.transformer_decoder.post_norm(query), dim=-1)
        return cls_preds, mask_preds, query_feats

    def forward(self, x: List[Tensor], batch_data_samples: SampleList) -> Tuple[list, list]:
        cls_preds, mask_preds, _ = self.forward_with_queries(x, batch_data_samples)
        return cls_preds, mask_preds

    def predict(self, x: Tuple[Tensor],
                batch_data_samples: SampleList) -> Tuple[Tensor, Tensor, Tensor]:
        """Foreground probabilities ``[B, Q]``, mask logits ``[B, Q, H, W]`` at the
        padded input size, and query features ``[B, Q, C]``."""
        cls_preds, mask_preds, query_feats = self.forward_with_queries(x, batch_data_samples)
        size = batch_data_samples[0].metainfo['batch_input_shape']
        masks = F.interpolate(mask_preds[-1], size=size, mode='bilinear', align_corners=False)
        return cls_preds[-1].softmax(-1)[..., 0], masks, query_feats

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args, **kwargs) -> None:
        queries = state_dict.get(prefix + 'query_feat.weight')
        if queries is not None and queries.shape[0] != self.num_queries:
            raise ValueError(f'checkpoint has {queries.shape[0]} queries at {prefix}query_feat, '
                             f'the config num_queries={self.num_queries}: set num_queries to '
                             'match the checkpoint')
        classifier = [
            k for k in (prefix + 'cls_embed.weight', prefix + 'cls_embed.bias') if k in state_dict
        ]
        if classifier and state_dict[classifier[0]].shape[0] != self.num_classes + 1:
            classes = state_dict[classifier[0]].shape[0] - 1
            for key in classifier:
                state_dict.pop(key)
            MMLogger.get_current_instance().info(
                f'{prefix}cls_embed: checkpoint has {classes} classes; the foreground '
                f'classifier of the part proposals starts from its initialisation '
                f'({len(classifier)} tensors skipped)')
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
