"""CropAroundObject: the object-centred crop of part-proposal training and inference."""
from typing import Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform
from mmdet.registry import TRANSFORMS


def context_box(bbox: Sequence[float], context: float, height: int,
                width: int) -> Tuple[int, int, int, int]:
    """``(x1, y1, x2, y2)`` integer box around ``bbox`` grown by ``context`` of its
    width/height on each side, clipped to the image and at least one pixel."""
    x1, y1, x2, y2 = (float(v) for v in bbox)
    dx, dy = context * (x2 - x1), context * (y2 - y1)
    left, top = max(0, int(np.floor(x1 - dx))), max(0, int(np.floor(y1 - dy)))
    right, bottom = min(width, int(np.ceil(x2 + dx))), min(height, int(np.ceil(y2 + dy)))
    return left, top, max(right, left + 1), max(bottom, top + 1)


@TRANSFORMS.register_module()
class CropAroundObject(BaseTransform):
    """Crop the image and its part annotations to the record's object with context.

    Reads ``focus_bbox`` (``[x1, y1, x2, y2]`` of the object the record is
    about, set by :class:`PseudoPartsDataset`). Parts of every object that
    fall in the crop stay, cut to it; parts left empty are dropped. In
    training, ``jitter`` moves the box centre and scales its size by up to
    that fraction, so the model sees objects off-centre and at other sizes.

    Args:
        context: margin added on each side, as a fraction of the object's size.
        jitter: random shift and scale of the box (0 disables); drawn from
            numpy's global generator, which MMEngine's ``randomness`` seeds.
    """

    def __init__(self, context: float = 0.25, jitter: float = 0.0) -> None:
        if context < 0 or not 0 <= jitter < 1:
            raise ValueError(f'context must be >= 0 and jitter in [0, 1), got {context}, {jitter}')
        self.context, self.jitter = context, jitter

    def jittered(self, bbox: Sequence[float]) -> np.ndarray:
        x1, y1, x2, y2 = (float(v) for v in bbox)
        if self.jitter == 0:
            return np.array([x1, y1, x2, y2])
        w, h = x2 - x1, y2 - y1
        cx = (x1 + x2) / 2 + np.random.uniform(-self.jitter, self.jitter) * w
        cy = (y1 + y2) / 2 + np.random.uniform(-self.jitter, self.jitter) * h
        scale = np.random.uniform(1 - self.jitter, 1 + self.jitter)
        return np.array(
            [cx - w * scale / 2, cy - h * scale / 2, cx + w * scale / 2, cy + h * scale / 2])

    def transform(self, results: dict) -> dict:
        if 'focus_bbox' not in results:
            raise KeyError(f'{results.get("img_path")}: CropAroundObject needs "focus_bbox" '
                           '(records of PseudoPartsDataset carry it)')
        height, width = results['img'].shape[:2]
        x1, y1, x2, y2 = context_box(
            self.jittered(results['focus_bbox']), self.context, height, width)
        results['img'] = results['img'][y1:y2, x1:x2]
        results['img_shape'] = results['img'].shape[:2]
        results['crop_box'] = np.array([x1, y1, x2, y2], np.float32)
        if 'gt_masks' in results:
            masks = results['gt_masks'].crop(np.array([x1, y1, x2, y2]))
            keep = masks.areas > 0
            results['gt_masks'] = masks[np.flatnonzero(keep)]
            results['gt_bboxes'] = results['gt_masks'].get_bboxes(
                dst_type=type(results['gt_bboxes']))
            for key in ('gt_bboxes_labels', 'gt_ignore_flags'):
                if key in results:
                    results[key] = results[key][keep]
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(context={self.context}, jitter={self.jitter})'
