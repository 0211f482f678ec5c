from .generator import make_synthetic_parts
from .object_classes import CLASSES_BY_NAME, OBJECT_CLASSES, ObjectClass

__all__ = ['CLASSES_BY_NAME', 'OBJECT_CLASSES', 'ObjectClass', 'make_synthetic_parts']
