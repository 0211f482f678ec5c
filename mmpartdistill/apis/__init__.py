from .object_labeller import ObjectLabeller
from .part_inferencer import PartInferencer

__all__ = ['ObjectLabeller', 'PartInferencer']
