"""QueryMask2FormerHead: Mask2Former's head that also keeps its query features."""
from typing import Optional, Tuple

import torch.nn.functional as F
from mmdet.models.dense_heads import Mask2FormerHead
from mmdet.structures import SampleList
from mmengine.logging import MMLogger
from torch import Tensor


class QueryMask2FormerHead(Mask2FormerHead):
    """Mask2Former's head that keeps each query's feature (the
    decoder-normalised query embedding, L2 normalised) and the pixel
    decoder's mask features ``[B, C, H/4, W/4]`` of its last forward.

    ``forward``, ``loss`` and ``predict`` are Mask2Former's, so the head
    works in a stock :class:`Mask2Former`; :meth:`predict_with_queries`
    adds the query features of the same pass, which the part detectors read.

    Loading a checkpoint of another class count (a COCO instance model, a
    class-agnostic proposal model) re-initialises the classifier and logs
    it; a checkpoint with another number of queries is an error.
    """

    last_queries: Optional[Tensor] = None
    last_mask_feature: Optional[Tensor] = None

    def _forward_head(self, decoder_out: Tensor, mask_feature: Tensor,
                      attn_mask_target_size: Tuple[int, int]) -> Tuple[Tensor, Tensor, Tensor]:
        # called after every decoder layer: the last call leaves the last layer's queries
        self.last_queries, self.last_mask_feature = decoder_out, mask_feature
        return super()._forward_head(decoder_out, mask_feature, attn_mask_target_size)

    def predict_with_queries(self, x: Tuple[Tensor],
                             batch_data_samples: SampleList) -> Tuple[Tensor, Tensor, Tensor]:
        """``predict``'s class logits ``[B, Q, C + 1]`` and mask logits
        ``[B, Q, H, W]`` (padded input size), then query features ``[B, Q, C]``."""
        cls_logits, mask_logits = self.predict(x, batch_data_samples)
        return cls_logits, mask_logits, self.query_features()

    def query_features(self) -> Tensor:
        """``[B, Q, C]`` features of the last forward's queries (after the
        decoder's norm, L2 normalised)."""
        return F.normalize(self.transformer_decoder.post_norm(self.last_queries), dim=-1)

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
