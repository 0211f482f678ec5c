from .baselines import AxisBandsBaseline, ColorKMeansBaseline, PartBaseline
from .dense_heads import PartProposalHead
from .detectors import PartProposalDetector
from .utils import freeze_modules

__all__ = [
    'AxisBandsBaseline', 'ColorKMeansBaseline', 'PartBaseline', 'PartProposalDetector',
    'PartProposalHead', 'freeze_modules'
]
