"""Stage 0's head: MMDetection's Mask2FormerHead with its class count from the data."""
from typing import Optional

from mmdet.models.dense_heads import Mask2FormerHead
from mmdet.registry import MODELS

from ..utils.class_counts import require_class_counts


@MODELS.register_module()
class ObjectMask2FormerHead(Mask2FormerHead):
    """``Mask2FormerHead`` of the instance model (stage 0): unchanged, except
    that ``num_things_classes=None`` (a config that leaves the object classes
    to its data) is an error saying which tools fill it, where the stock head
    fails on ``None + int``."""

    def __init__(self, *args, num_things_classes: Optional[int] = None, **kwargs) -> None:
        require_class_counts(type(self).__name__, num_things_classes=num_things_classes)
        super().__init__(*args, num_things_classes=num_things_classes, **kwargs)
