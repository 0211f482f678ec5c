from .object_labeller import ObjectLabeller
from .part_inferencer import PartInferencer
from .pipeline import PartDistillationPipeline

__all__ = ['ObjectLabeller', 'PartDistillationPipeline', 'PartInferencer']
