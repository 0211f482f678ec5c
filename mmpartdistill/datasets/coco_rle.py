"""Mask <-> COCO RLE conversions shared by every reader and writer of the format."""
from typing import Dict, Union

import numpy as np
from pycocotools import mask as mask_utils


def encode_mask(mask: np.ndarray) -> Dict[str, Union[list, str]]:
    """Binary ``[H, W]`` mask -> COCO RLE with a JSON-ready ``counts`` string."""
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    rle['counts'] = rle['counts'].decode('ascii')
    return rle


def mask_to_coco_fields(mask: np.ndarray) -> dict:
    """The ``segmentation``, ``area`` and ``bbox`` fields of an annotation."""
    rle = encode_mask(mask)
    return dict(
        segmentation=rle, area=int(mask.sum()), bbox=[float(v) for v in mask_utils.toBbox(rle)])


def decode_segmentation(segmentation: Union[dict, list], height: int, width: int) -> np.ndarray:
    """RLE (compressed or not) or polygon list -> binary ``[H, W]`` uint8 mask."""
    if isinstance(segmentation, list):
        rle = mask_utils.merge(mask_utils.frPyObjects(segmentation, height, width))
    elif isinstance(segmentation.get('counts'), list):
        rle = mask_utils.frPyObjects(segmentation, height, width)
    else:
        rle = segmentation
    return mask_utils.decode(rle)
