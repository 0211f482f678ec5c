from .part_distillation_head import PartDistillationHead
from .part_proposal_head import PartProposalHead
from .query_mask2former_head import QueryMask2FormerHead

__all__ = ['PartDistillationHead', 'PartProposalHead', 'QueryMask2FormerHead']
