from .part_proposal_head import PartProposalHead

__all__ = ['PartProposalHead']
