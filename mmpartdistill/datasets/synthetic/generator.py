"""Writes the synthetic part benchmark in the objects + parts format."""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmengine.utils import ProgressBar

from ...utils import atomic_write_json, atomic_writer
from ..coco_rle import mask_to_coco_fields
from .object_classes import ObjectClass, class_set
from .render import background, finish, paint_object, rasterise_parts

MIN_VISIBLE_FRACTION = 0.25  # an object hidden more than this is left unannotated
MIN_PART_AREA = 6


def object_affine(size: int, rng: np.random.Generator) -> np.ndarray:
    """Random local->pixel similarity: scale, rotation, mirror, position."""
    scale = rng.uniform(0.16, 0.3) * size
    angle = np.deg2rad(rng.uniform(-40, 40))
    mirror = -1.0 if rng.random() < 0.5 else 1.0
    cx, cy = rng.uniform(0.22, 0.78, 2) * size
    c, s = np.cos(angle) * scale, np.sin(angle) * scale
    return np.array([[c * mirror, -s, cx], [s * mirror, c, cy]], np.float32)


def categories(classes: Tuple[ObjectClass, ...]) -> Dict[str, list]:
    objects = [dict(id=i + 1, name=c.name) for i, c in enumerate(classes)]
    parts = []
    for obj_id, obj_class in enumerate(classes, 1):
        for part_id, part in enumerate(obj_class.part_names):
            parts.append(
                dict(
                    id=len(parts) + 1,
                    name=f'{obj_class.name} {part}',
                    supercategory=obj_class.name,
                    object_category_id=obj_id,
                    part_id=part_id))
    return dict(objects=objects, parts=parts)


def render_scene(size: int, rng: np.random.Generator, classes: Tuple[ObjectClass, ...]):
    """One image with 1-3 possibly occluding objects.

    Returns the RGB image and, per painted object, (class index, full part
    map) plus the index map of which object is visible at each pixel.
    """
    img = background(size, rng)
    owner = np.full((size, size), -1, np.int16)
    objects = []
    for index in range(int(rng.integers(1, 4))):
        class_index = int(rng.integers(len(classes)))
        obj_class = classes[class_index]
        affine = object_affine(size, rng)
        part_map = rasterise_parts(obj_class, obj_class.draw(rng), affine, size)
        paint_object(img, obj_class, part_map, affine, rng)
        owner[part_map > 0] = index
        objects.append((class_index, part_map))
    return finish(img, rng), objects, owner


def make_synthetic_parts(out_dir: str,
                         num_images: int = 400,
                         seed: int = 0,
                         image_size: int = 128,
                         val_fraction: float = 0.25,
                         classes: Optional[Sequence[str]] = None) -> Dict[str, int]:
    """Generate ``num_images`` scenes into ``out_dir``; deterministic for ``seed``.

    The last ``val_fraction`` of the images form the val split; ``classes``
    names the object classes (:func:`class_set`; default: all). Returns a
    summary with image and annotation counts per split.
    """
    object_classes = class_set(classes)
    if num_images < 2:
        raise ValueError(f'num_images must be >= 2 (one train, one val), got {num_images}')
    cats = categories(object_classes)
    part_ids = {
        (p['object_category_id'], p['name'].split(' ', 1)[1]): p['id']
        for p in cats['parts']
    }
    num_val = max(1, int(round(num_images * val_fraction)))
    splits = {
        'train': range(0, num_images - num_val),
        'val': range(num_images - num_val, num_images)
    }
    os.makedirs(osp.join(out_dir, 'images'), exist_ok=True)
    summary = {}
    obj_ann_id = part_ann_id = 0
    progress = ProgressBar(num_images)
    for split, indices in splits.items():
        images: List[dict] = []
        obj_anns: List[dict] = []
        part_anns: List[dict] = []
        for index in indices:
            rng = np.random.default_rng([seed, index])
            img, objects, owner = render_scene(image_size, rng, object_classes)
            file_name = f'{index:06d}.png'
            with atomic_writer(osp.join(out_dir, 'images', file_name), 'wb') as f:
                f.write(cv2.imencode('.png', cv2.cvtColor(img, cv2.COLOR_RGB2BGR))[1].tobytes())
            image_id = index + 1
            images.append(
                dict(id=image_id, file_name=file_name, width=image_size, height=image_size))
            for obj_index, (class_index, part_map) in enumerate(objects):
                visible = owner == obj_index
                if visible.sum() < MIN_VISIBLE_FRACTION * (part_map > 0).sum():
                    continue
                obj_ann_id += 1
                obj_anns.append(
                    dict(
                        id=obj_ann_id,
                        image_id=image_id,
                        category_id=class_index + 1,
                        iscrowd=0,
                        **mask_to_coco_fields(visible)))
                obj_class = object_classes[class_index]
                for p, part_name in enumerate(obj_class.part_names):
                    part_mask = visible & (part_map == p + 1)
                    if part_mask.sum() < MIN_PART_AREA:
                        continue
                    part_ann_id += 1
                    part_anns.append(
                        dict(
                            id=part_ann_id,
                            image_id=image_id,
                            object_id=obj_ann_id,
                            category_id=part_ids[(class_index + 1, part_name)],
                            iscrowd=0,
                            **mask_to_coco_fields(part_mask)))
            progress.update()
        info = dict(description='mmpartdistill synthetic parts', seed=seed, split=split)
        atomic_write_json(
            dict(info=info, images=images, annotations=obj_anns, categories=cats['objects']),
            osp.join(out_dir, 'annotations', f'objects_{split}.json'))
        atomic_write_json(
            dict(info=info, images=images, annotations=part_anns, categories=cats['parts']),
            osp.join(out_dir, 'annotations', f'parts_{split}.json'))
        summary.update({
            f'{split}_images': len(images),
            f'{split}_objects': len(obj_anns),
            f'{split}_parts': len(part_anns)
        })
    print()
    return summary
