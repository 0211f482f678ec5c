"""QueryMask2FormerHead: Mask2Former's head that also returns its query features."""
from typing import List, Tuple

import torch
import torch.nn.functional as F
from mmdet.models.dense_heads import Mask2FormerHead
from mmdet.structures import SampleList
from mmengine.logging import MMLogger
from torch import Tensor


class QueryMask2FormerHead(Mask2FormerHead):
    """Mask2Former's head with each query's feature (the decoder-normalised
    query embedding, L2 normalised) beside its class and mask predictions.

    Loading a checkpoint of another class count (a COCO instance model, a
    class-agnostic proposal model) re-initialises the classifier and logs
    it; a checkpoint with another number of queries is an error.
    """

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
                f'{prefix}cls_embed: checkpoint has {classes} classes; the '
                f'classifier starts from its initialisation '
                f'({len(classifier)} tensors skipped)')
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
