from .object_class_map import LoadObjectClassMap
from .object_crop import CropAroundObject, context_box

__all__ = ['CropAroundObject', 'LoadObjectClassMap', 'context_box']
