from .object_mask2former_head import ObjectMask2FormerHead
from .part_distillation_head import PartDistillationHead
from .part_proposal_head import PartProposalHead
from .query_mask2former_head import QueryMask2FormerHead

__all__ = [
    'ObjectMask2FormerHead', 'PartDistillationHead', 'PartProposalHead', 'QueryMask2FormerHead'
]
