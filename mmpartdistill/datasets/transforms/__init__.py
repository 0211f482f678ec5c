from .object_crop import CropAroundObject, context_box

__all__ = ['CropAroundObject', 'context_box']
