from .backbones import EfficientNetLite0
from .baselines import AxisBandsBaseline, ColorKMeansBaseline, PartBaseline
from .decode_heads import PartSegformerHead
from .dense_heads import ObjectMask2FormerHead, PartDistillationHead, PartProposalHead
from .detectors import PartDistillationDetector, PartProposalDetector
from .utils import freeze_modules
from .wrappers import AnyDeviceDistributedDataParallel

__all__ = [
    'AnyDeviceDistributedDataParallel', 'AxisBandsBaseline', 'ColorKMeansBaseline',
    'EfficientNetLite0', 'ObjectMask2FormerHead', 'PartBaseline',
    'PartDistillationDetector', 'PartDistillationHead', 'PartProposalDetector', 'PartProposalHead',
    'PartSegformerHead', 'freeze_modules'
]
