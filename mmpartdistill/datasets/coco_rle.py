"""Mask <-> COCO RLE conversions shared by every reader and writer of the format."""
from typing import Dict, Optional, Union

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


def rle_counts(counts: str) -> np.ndarray:
    """Run lengths of a compressed COCO RLE string, as pycocotools reads it
    (5 bits a character, a continuation bit, each run from the second on
    stored as a difference to the run two before it); ValueError when the
    string cannot be one."""
    chars = np.frombuffer(counts.encode('ascii', 'replace'), np.uint8).astype(np.int64) - 48
    if not chars.size:
        return np.zeros(0, np.int64)
    if chars.min() < 0 or chars.max() > 63 or chars[-1] & 0x20:
        raise ValueError('counts is not a compressed RLE string')
    ends = np.flatnonzero((chars & 0x20) == 0)
    starts = np.concatenate([[0], ends[:-1] + 1])
    if (ends - starts).max() > 6:
        raise ValueError('counts holds a run too long for any image')
    run = np.repeat(np.arange(len(ends)), ends - starts + 1)
    shift = 5 * (np.arange(chars.size) - starts[run])
    values = np.zeros(len(ends), np.int64)
    np.add.at(values, run, (chars & 0x1f) << shift)
    negative = (chars[ends] & 0x10) != 0
    values[negative] -= 1 << (5 * (ends - starts + 1))[negative]
    runs = values.copy()
    runs[1::2] = np.cumsum(values[1::2])
    runs[2::2] = np.cumsum(values[2::2])
    return runs


def segmentation_problem(segmentation, height: int, width: int) -> Optional[str]:
    """Why ``segmentation`` is not a valid RLE or polygon list of an
    ``height x width`` image, or None. pycocotools decodes an RLE whose runs
    do not cover the image exactly from memory past its end."""
    if isinstance(segmentation, list):
        for poly in segmentation:
            if not isinstance(poly, list) or len(poly) < 6 or len(poly) % 2:
                return 'a polygon must be a list of at least 3 x, y pairs'
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in poly):
                return 'a polygon holds a value that is not a number'
            if not np.isfinite(np.asarray(poly, np.float64)).all():
                return 'a polygon holds a non-finite coordinate'
        return None if segmentation else 'the polygon list is empty'
    if not isinstance(segmentation, dict) or 'counts' not in segmentation:
        return 'segmentation must be an RLE dict with "counts" or a list of polygons'
    size = segmentation.get('size')
    if size is not None and list(size) != [height, width]:
        return f'RLE size {size} is not the image size {[height, width]}'
    counts = segmentation['counts']
    if isinstance(counts, list):
        if not all(isinstance(c, int) and not isinstance(c, bool) for c in counts):
            return 'RLE counts must be integers'
        runs = np.asarray(counts, np.int64)
    elif isinstance(counts, str):
        try:
            runs = rle_counts(counts)
        except ValueError as e:
            return f'RLE {e}'
    else:
        return 'RLE counts must be a string or a list of integers'
    if runs.size and (runs.min() < 0 or runs.max() >= 2**32):
        return 'RLE counts hold a run out of range'
    if int(runs.sum()) != height * width:
        return f'RLE counts sum to {int(runs.sum())}, not H x W = {height * width}'
    return None


def compressed_rle(segmentation: Union[dict, list], height: int, width: int) -> dict:
    """RLE (compressed or not) or polygon list -> compressed RLE, a few hundred
    bytes where the decoded mask takes H x W; ValueError saying what is wrong
    with a malformed one."""
    problem = segmentation_problem(segmentation, height, width)
    if problem:
        raise ValueError(problem)
    if isinstance(segmentation, list):
        return mask_utils.merge(mask_utils.frPyObjects(segmentation, height, width))
    if isinstance(segmentation['counts'], list):
        return mask_utils.frPyObjects(segmentation, height, width)
    return dict(size=[height, width], counts=segmentation['counts'])


def decode_segmentation(segmentation: Union[dict, list], height: int, width: int) -> np.ndarray:
    """RLE (compressed or not) or polygon list -> binary ``[H, W]`` uint8 mask;
    ValueError saying what is wrong with a malformed one."""
    return mask_utils.decode(compressed_rle(segmentation, height, width))
