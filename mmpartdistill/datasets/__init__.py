from .coco_rle import decode_segmentation, encode_mask, mask_to_coco_fields
from .fewshot_split import fewshot_subset
from .objects_dataset import ObjectsDataset
from .objects_file import AnnotationFormatError, ObjectsFile
from .parts_file import PartsFile
from .pseudo_parts_dataset import PseudoPartsDataset
from .synthetic import OBJECT_CLASSES, make_synthetic_parts
from .transforms import CropAroundObject, context_box

__all__ = [
    'AnnotationFormatError', 'CropAroundObject', 'OBJECT_CLASSES', 'ObjectsDataset', 'ObjectsFile',
    'PartsFile', 'PseudoPartsDataset', 'context_box', 'decode_segmentation', 'encode_mask',
    'fewshot_subset', 'make_synthetic_parts', 'mask_to_coco_fields'
]
