from .part_inferencer import PartInferencer

__all__ = ['PartInferencer']
