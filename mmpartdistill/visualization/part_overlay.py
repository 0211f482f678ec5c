"""Part overlays: object outlines with parts coloured by part id."""
from typing import Iterable, List, Tuple

import cv2
import numpy as np

# Distinct colours; part id i of any class is drawn in PALETTE[i % len(PALETTE)], so
# one part id keeps its colour across all instances of a class.
PALETTE = np.array([(230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
                    (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212),
                    (0, 128, 128), (170, 110, 40)], np.float32)


def part_colour(part_id: int) -> np.ndarray:
    return PALETTE[part_id % len(PALETTE)]


def draw_part_overlay(image: np.ndarray,
                      objects: Iterable[Tuple[np.ndarray, List[tuple]]],
                      alpha: float = 0.6,
                      scale: int = 2) -> np.ndarray:
    """Image and overlay side by side, enlarged ``scale`` times.

    Args:
        image: ``[H, W, 3]`` uint8 RGB.
        objects: per object, its mask and its predicted parts
            ``(part_id, score, mask)``; a pixel shows its highest-scoring part.
        alpha: opacity of the part colours.
    """
    overlay = image.astype(np.float32)
    outlines = []
    for object_mask, parts in objects:
        inside = object_mask.astype(bool)
        for part_id, _, mask in sorted(parts, key=lambda p: p[1]):
            region = inside & mask.astype(bool)
            overlay[region] = (1 - alpha) * image[region] + alpha * part_colour(part_id)
        outlines.append(inside)
    size = (image.shape[1] * scale, image.shape[0] * scale)
    overlay = cv2.resize(
        np.clip(overlay, 0, 255).astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
    for inside in outlines:
        big = cv2.resize(inside.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
        contours, _ = cv2.findContours(big, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        cv2.drawContours(overlay, contours, -1, (255, 255, 255), 1)
    original = cv2.resize(image, size, interpolation=cv2.INTER_NEAREST)
    return np.concatenate([original, overlay], axis=1)
