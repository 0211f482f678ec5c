from .class_counts import require_class_counts
from .freeze import freeze_modules
from .gathered_linear import GatheredLinear
from .mask_iou import mask_iou
from .scaled_l2_norm import ScaledL2Norm

__all__ = ['GatheredLinear', 'ScaledL2Norm', 'freeze_modules', 'mask_iou', 'require_class_counts']
