"""Part-proposal panels: an object's top proposals side by side (they overlap)."""
from typing import List

import cv2
import numpy as np

from ..datasets.part_palette import part_colour


def draw_proposal_panels(image: np.ndarray,
                         object_mask: np.ndarray,
                         proposals: List[tuple],
                         top: int = 6,
                         alpha: float = 0.6,
                         panel: int = 128,
                         context: float = 0.25) -> np.ndarray:
    """One row ``[panel, panel * (top + 1), 3]``: the object's crop, then each of
    its ``top`` proposals by score (score printed), on ``panel``-pixel squares.

    Args:
        image: ``[H, W, 3]`` uint8 RGB.
        object_mask: ``[H, W]`` mask of the object.
        proposals: ``(part_id, score, mask)`` of the object's proposals.
        context: crop margin around the object, as a fraction of its size.
    """
    ys, xs = np.nonzero(object_mask)
    if len(ys) == 0:
        raise ValueError('draw_proposal_panels: the object mask is empty')
    dy, dx = context * (np.ptp(ys) + 1), context * (np.ptp(xs) + 1)
    y1, y2 = max(0, int(ys.min() - dy)), min(image.shape[0], int(ys.max() + dy) + 1)
    x1, x2 = max(0, int(xs.min() - dx)), min(image.shape[1], int(xs.max() + dx) + 1)
    crop = image[y1:y2, x1:x2]
    inside = object_mask[y1:y2, x1:x2].astype(bool)
    fit = panel / max(x2 - x1, y2 - y1)
    size = (max(1, round((x2 - x1) * fit)), max(1, round((y2 - y1) * fit)))
    outline = cv2.findContours(
        cv2.resize(inside.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST),
        cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)[0]
    panels = [cv2.resize(crop, size, interpolation=cv2.INTER_NEAREST)]
    for rank, (_, score, mask) in enumerate(sorted(proposals, key=lambda p: -p[1])[:top]):
        region = mask[y1:y2, x1:x2].astype(bool) & inside
        shaded = crop.astype(np.float32) * 0.5
        shaded[region] = (1 - alpha) * crop[region] + alpha * part_colour(rank)
        view = cv2.resize(shaded.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
        cv2.drawContours(view, outline, -1, (255, 255, 255), 1)
        cv2.putText(view, f'{score:.2f}', (2, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255),
                    1, cv2.LINE_AA)
        panels.append(view)
    squares = [np.zeros((panel, panel, 3), np.uint8) for _ in range(top + 1)]
    for square, drawn in zip(squares, panels):
        square[:drawn.shape[0], :drawn.shape[1]] = drawn
    return np.concatenate(squares, axis=1)
