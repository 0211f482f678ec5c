from .cityscapes_panoptic_parts import (LabelEncodingError, convert_cityscapes_panoptic_parts,
                                        decode_uids)
from .image_folder_objects import merge_object_shards
from .partimagenet import convert_partimagenet
from .pascal_part import MatFormatError, convert_pascal_part
from .semantic_part_maps import write_semantic_part_maps
from .summary import ConversionError, ConversionSummary

__all__ = [
    'ConversionError', 'ConversionSummary', 'LabelEncodingError', 'MatFormatError',
    'convert_cityscapes_panoptic_parts', 'convert_partimagenet', 'convert_pascal_part',
    'decode_uids', 'merge_object_shards', 'write_semantic_part_maps'
]
