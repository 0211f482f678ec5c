from .generator import make_synthetic_parts
from .object_classes import CLASSES_BY_NAME, OBJECT_CLASSES, ObjectClass, class_set

__all__ = ['CLASSES_BY_NAME', 'OBJECT_CLASSES', 'ObjectClass', 'class_set', 'make_synthetic_parts']
