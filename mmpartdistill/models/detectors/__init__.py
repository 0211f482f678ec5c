from .part_distillation_detector import PartDistillationDetector
from .part_proposal_detector import PartProposalDetector

__all__ = ['PartDistillationDetector', 'PartProposalDetector']
