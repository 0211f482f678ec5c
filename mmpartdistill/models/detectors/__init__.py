from .part_proposal_detector import PartProposalDetector

__all__ = ['PartProposalDetector']
