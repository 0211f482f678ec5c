"""Rendering of synthetic scenes: textures, clutter, occlusion and noise."""
from typing import List, Tuple

import cv2
import numpy as np

from .object_classes import ObjectClass

TEXTURES = ('solid', 'stripes', 'checker', 'spots', 'noise', 'rings')


def texture(family: str, u: np.ndarray, v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pattern in [0, 1] over local coordinates (u, v), so it turns with the object."""
    f = rng.uniform(5, 9)
    if family == 'solid':
        return np.clip(0.5 + 0.25 * (u * rng.uniform(-1, 1) + v * rng.uniform(-1, 1)), 0, 1)
    if family == 'stripes':
        return (np.sin(2 * np.pi * f * (u * np.cos(0.3) + v * np.sin(0.3))) > 0).astype(np.float32)
    if family == 'checker':
        return ((np.floor(u * f * 0.8) + np.floor(v * f * 0.8)) % 2).astype(np.float32)
    if family == 'spots':
        cu, cv = (u * f) % 1 - 0.5, (v * f) % 1 - 0.5
        return (cu * cu + cv * cv < 0.09).astype(np.float32)
    if family == 'rings':
        return (np.sin(2 * np.pi * f * 1.5 * np.hypot(u, v)) > 0).astype(np.float32)
    if family == 'noise':
        small = rng.random((8, 8)).astype(np.float32)
        idx_u = np.clip(((u + 1.5) / 3 * 7).astype(int), 0, 7)
        idx_v = np.clip(((v + 1.5) / 3 * 7).astype(int), 0, 7)
        return small[idx_v, idx_u]
    raise ValueError(f'unknown texture family {family!r}; known: {TEXTURES}')


def random_colour(rng: np.random.Generator) -> np.ndarray:
    hsv = np.uint8([[[rng.integers(0, 180), rng.integers(60, 256), rng.integers(60, 256)]]])
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0].astype(np.float32)


def background(size: int, rng: np.random.Generator) -> np.ndarray:
    """Cluttered textured background: a gradient plus textured distractor blobs."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    img = (
        random_colour(rng) * (1 - xx[..., None]) * 0.6 + random_colour(rng) * yy[..., None] * 0.6)
    for _ in range(rng.integers(4, 9)):
        blob = np.zeros((size, size), np.uint8)
        centre = rng.integers(0, size, 2)
        axes = rng.integers(size // 16, size // 4, 2)
        cv2.ellipse(blob, tuple(int(c) for c in centre), tuple(int(a) for a in axes),
                    float(rng.uniform(0, 180)), 0, 360, 1, -1)
        pattern = texture(rng.choice(TEXTURES), xx * 2 - 1, yy * 2 - 1, rng)[..., None]
        paint = random_colour(rng) * pattern + random_colour(rng) * (1 - pattern)
        img = np.where(blob[..., None] > 0, paint, img)
    return img


def local_frame(size: int, affine: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Object-local coordinates (u, v) of every pixel under a 2x3 local->pixel affine."""
    inverse = cv2.invertAffineTransform(affine)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    u = inverse[0, 0] * xx + inverse[0, 1] * yy + inverse[0, 2]
    v = inverse[1, 0] * xx + inverse[1, 1] * yy + inverse[1, 2]
    return u, v


def rasterise_parts(obj_class: ObjectClass, polygons: List[Tuple[str, np.ndarray]],
                    affine: np.ndarray, size: int) -> np.ndarray:
    """Part index map (0 = outside, i + 1 = part i of the class) in painting order."""
    label = np.zeros((size, size), np.uint8)
    for part_name, poly in polygons:
        pix = poly @ affine[:, :2].T + affine[:, 2]
        cv2.fillPoly(
            label, [np.round(pix * 16).astype(np.int32)],
            obj_class.part_names.index(part_name) + 1,
            lineType=cv2.LINE_8,
            shift=4)
    return label


def paint_object(img: np.ndarray, obj_class: ObjectClass, part_map: np.ndarray, affine: np.ndarray,
                 rng: np.random.Generator) -> None:
    """Paint each part with its texture family in colours drawn for this instance."""
    u, v = local_frame(img.shape[0], affine)
    shared = rng.random() < 0.3  # one palette for the whole instance: colour names no part
    palette = (random_colour(rng), random_colour(rng))
    shade = 0.75 + 0.25 * np.clip(1 - 0.5 * (u + v), 0, 2)[..., None] / 2
    for index, (_, family) in enumerate(obj_class.parts):
        inside = part_map == index + 1
        if not inside.any():
            continue
        c1, c2 = palette if shared else (random_colour(rng), random_colour(rng))
        pattern = texture(family, u, v, rng)[..., None]
        paint = (c1 * pattern + c2 * (1 - pattern)) * shade
        img[inside] = paint[inside]


def finish(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sensor noise and a slight blur, then 8-bit RGB."""
    img = cv2.GaussianBlur(img, (3, 3), rng.uniform(0.3, 0.8))
    img = img + rng.normal(0, rng.uniform(4, 10), img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)
