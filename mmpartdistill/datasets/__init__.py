from .coco_rle import decode_segmentation, encode_mask, mask_to_coco_fields
from .fewshot_split import fewshot_subset
from .objects_dataset import ObjectsDataset
from .objects_file import AnnotationFormatError, ObjectsFile
from .part_maps_dataset import PartMapsDataset
from .part_predictions import PredictionsByObject, load_predictions, predictions_to_records
from .parts_file import PartsFile
from .pseudo_parts_dataset import PseudoPartsDataset
from .synthetic import OBJECT_CLASSES, make_synthetic_parts
from .transforms import CropAroundObject, LoadObjectClassMap, context_box

__all__ = [
    'AnnotationFormatError', 'CropAroundObject', 'LoadObjectClassMap', 'OBJECT_CLASSES',
    'ObjectsDataset', 'ObjectsFile', 'PartMapsDataset', 'PartsFile', 'PseudoPartsDataset',
    'PredictionsByObject', 'context_box', 'decode_segmentation', 'encode_mask', 'fewshot_subset',
    'load_predictions', 'make_synthetic_parts', 'mask_to_coco_fields', 'predictions_to_records'
]
