from .class_counts import require_class_counts
from .freeze import freeze_modules
from .scaled_l2_norm import ScaledL2Norm

__all__ = ['ScaledL2Norm', 'freeze_modules', 'require_class_counts']
