"""Semantic part maps: an objects file with its parts as MMSegmentation label PNGs.

Each image gets a part label map (``ann_dir/SPLIT/<name>.png``: the part
class of every object pixel, ``ignore_index`` outside objects and on object
pixels no part covers) and an object class map (``obj_dir/SPLIT/<name>.png``:
the object class index inside objects, ``ignore_index`` elsewhere), and the
split lists its image names in ``splits/SPLIT.txt``. ``part_maps.json`` names
the label space, which every split written into one folder shares:

- ``by='category'`` (ground-truth parts): one class per part category, in
  object class order, then part category id;
- ``by='part_id'`` (discovered parts: pseudo, ranked or distilled parts, or a
  model's predictions): ``num_parts`` classes per object class, part ``k``
  of object class ``c`` being class ``c * K + k``.
"""
import os.path as osp
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np

from ...utils import atomic_write_json, atomic_writer
from ..coco_rle import decode_segmentation
from ..objects_file import AnnotationFormatError, ObjectsFile
from ..part_maps_meta import META_FILE, load_part_maps_meta
from ..part_predictions import PredictionsByObject
from ..parts_file import PartsFile

BY = ('category', 'part_id')


def label_space(objects: ObjectsFile, by: str, parts: Optional[PartsFile],
                num_parts: Optional[int]) -> Tuple[dict, Dict[int, int]]:
    """The ``part_maps.json`` fields and, for ``by='category'``, the class of
    each part category id."""
    object_cats = sorted(objects.categories)
    object_classes = [objects.categories[c]['name'] for c in object_cats]
    if by == 'part_id':
        if not num_parts or num_parts < 1:
            raise ValueError(f"by='part_id' needs num_parts >= 1, got {num_parts!r}")
        classes = [f'{name} part{k}' for name in object_classes for k in range(num_parts)]
        owners = [c for c in range(len(object_cats)) for _ in range(num_parts)]
        of_category: Dict[int, int] = {}
    elif by == 'category':
        if parts is None:
            raise ValueError("by='category' labels part categories: give a parts file")
        ordered = [(i, p) for i, c in enumerate(object_cats)
                   for p in sorted(parts.parts_of_class[c])]
        classes = [f'{object_classes[i]} {parts.categories[p]["name"]}' for i, p in ordered]
        owners = [i for i, _ in ordered]
        of_category = {p: j for j, (_, p) in enumerate(ordered)}
    else:
        raise ValueError(f'by must be one of {BY}, got {by!r}')
    ignore_index = 255 if len(classes) < 255 else 65535
    meta = dict(
        classes=classes,
        object_classes=object_classes,
        part_object_labels=owners,
        num_parts=num_parts if by == 'part_id' else None,
        by=by,
        ignore_index=ignore_index)
    return meta, of_category


def write_label_png(labels: np.ndarray, path: str) -> None:
    with atomic_writer(path, 'wb') as f:
        f.write(cv2.imencode('.png', labels)[1].tobytes())


def image_part_maps(objects: ObjectsFile, img_id: int, meta: dict, object_index: Dict[int, int],
                    parts: Optional[PartsFile], of_category: Dict[int, int],
                    predictions: Optional[PredictionsByObject]) -> Tuple[np.ndarray, np.ndarray]:
    """``(part labels, object classes)`` maps of one image."""
    image = objects.images[img_id]
    dtype = np.uint8 if meta['ignore_index'] == 255 else np.uint16
    labels = np.full((image['height'], image['width']), meta['ignore_index'], dtype)
    classes = np.full_like(labels, meta['ignore_index'])
    k = meta['num_parts']
    for obj_id in objects.objects_by_image[img_id]:
        obj = objects.objects[obj_id]
        inside = objects.mask(obj_id).astype(bool)
        c = object_index[obj['category_id']]
        classes[inside] = c
        if predictions is not None:
            # the highest-scoring part wins a pixel
            for part_id, _, mask in sorted(predictions.get(obj_id, []), key=lambda p: p[1]):
                if not 0 <= part_id < k:
                    raise ValueError(f'object {obj_id}: predicted part_id {part_id} is outside '
                                     f'0..{k - 1} (num_parts={k})')
                labels[inside & mask.astype(bool)] = c * k + part_id
            continue
        for ann in parts.parts_by_object[obj_id]:
            mask = decode_segmentation(ann['segmentation'], image['height'],
                                       image['width']).astype(bool) & inside
            if meta['by'] == 'category':
                labels[mask] = of_category[ann['category_id']]
                continue
            part_id = parts.categories[ann['category_id']].get('part_id')
            if not isinstance(part_id, int) or not 0 <= part_id < k:
                raise AnnotationFormatError(
                    f'{parts.path}: part category {ann["category_id"]} has part_id {part_id!r}; '
                    f"by='part_id' needs 0 <= part_id < num_parts={k}")
            labels[mask] = c * k + part_id
    return labels, classes


def write_semantic_part_maps(objects: ObjectsFile,
                             out_dir: str,
                             split: str,
                             *,
                             by: str = 'category',
                             parts: Optional[PartsFile] = None,
                             predictions: Optional[PredictionsByObject] = None,
                             num_parts: Optional[int] = None) -> dict:
    """Write the part and object class maps of every image of ``objects`` and
    the split file; returns ``part_maps.json``'s content.

    Args:
        objects: the split's objects file.
        out_dir: the map folder (``ann_dir``, ``obj_dir``, ``splits``, ``part_maps.json``).
        split: the split name.
        by: ``'category'`` or ``'part_id'`` (see the module docstring).
        parts: the split's parts file; or
        predictions: part predictions by object (``by='part_id'`` only).
        num_parts: K, for ``by='part_id'``.
    """
    if (parts is None) == (predictions is None):
        raise ValueError('give either a parts file or part predictions')
    if predictions is not None and by != 'part_id':
        raise ValueError("predictions carry part ids, not categories: use by='part_id'")
    meta, of_category = label_space(objects, by, parts, num_parts)
    meta_path = osp.join(out_dir, META_FILE)
    if osp.isfile(meta_path):
        known = load_part_maps_meta(meta_path)
        splits = known.pop('splits', {})
        if known != meta:
            raise ValueError(f'{meta_path}: the maps there have another label space '
                             f'({len(known.get("classes", []))} classes by '
                             f'{known.get("by")!r}); write these into another folder')
    else:
        splits = {}
    suffixes = {osp.splitext(im['file_name'])[1] for im in objects.images.values()}
    if len(suffixes) > 1:
        raise ValueError(f'{objects.path}: images of several suffixes {sorted(suffixes)}; '
                         'MMSegmentation datasets take one img_suffix')
    object_index = {c: i for i, c in enumerate(sorted(objects.categories))}
    names: List[str] = []
    for img_id in sorted(objects.images):
        name = osp.splitext(objects.images[img_id]['file_name'])[0]
        labels, classes = image_part_maps(objects, img_id, meta, object_index, parts, of_category,
                                          predictions)
        write_label_png(labels, osp.join(out_dir, 'ann_dir', split, name + '.png'))
        write_label_png(classes, osp.join(out_dir, 'obj_dir', split, name + '.png'))
        names.append(name)
    with atomic_writer(osp.join(out_dir, 'splits', split + '.txt')) as f:
        f.write(''.join(n + '\n' for n in names))
    splits[split] = dict(images=len(names), img_suffix=suffixes.pop() if suffixes else '.png')
    atomic_write_json(dict(meta, splits=splits), meta_path)
    return dict(meta, splits=splits)
