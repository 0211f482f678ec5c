"""Pascal-Part (per-image .mat part annotations on VOC images) -> the objects + parts format.

Each ``Annotations_Part/<image>.mat`` holds a struct ``anno`` with
``imname`` and ``objects``; each object has ``class``, ``mask`` and
``parts`` (each with ``part_name`` and ``mask``).
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.utils import track_iter_progress
from PIL import Image
from scipy.io import loadmat

from .format_builder import PartsFormatBuilder
from .image_check import readable_image
from .summary import ConversionSummary, require_inputs

VOC_CLASSES = ('aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair',
               'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep',
               'sofa', 'train', 'tvmonitor')


class MatFormatError(ValueError):
    """A .mat file lacks what Pascal-Part annotations hold; the message says what."""


def text(value) -> str:
    return str(np.squeeze(value))


def structs(value) -> list:
    """The elements of a MATLAB struct array as loaded by scipy (empty -> [])."""
    array = np.asarray(value)
    return [] if array.size == 0 or array.dtype.names is None else list(array.ravel())


def field(record, name: str, path: str):
    if record.dtype.names is None or name not in record.dtype.names:
        raise MatFormatError(f'{path}: a struct lacks the field "{name}"')
    return record[name]


def read_objects(path: str, shape: Tuple[int, int],
                 part_map: Dict[str, Dict[str, str]]) -> List[Tuple[str, np.ndarray, list]]:
    """``(class, mask, [(part name, mask)])`` of every object of one .mat file."""
    try:
        data = loadmat(path)
    except Exception as e:  # a damaged file fails anywhere in scipy's parser, any way
        raise MatFormatError(
            f'{path}: not a readable .mat file ({type(e).__name__}: {e})') from None
    if 'anno' not in data:
        raise MatFormatError(f'{path}: no "anno" struct')
    anno = np.asarray(data['anno']).ravel()[0]
    objects = []
    for obj in structs(field(anno, 'objects', path)):
        name = text(field(obj, 'class', path))
        mask = np.asarray(field(obj, 'mask', path), dtype=bool)
        if mask.shape != shape:
            raise MatFormatError(f'{path}: a {name} mask is {mask.shape}, the image {shape}')
        merged: Dict[str, np.ndarray] = {}
        for part in structs(field(obj, 'parts', path)):
            part_name = text(field(part, 'part_name', path))
            part_name = part_map.get(name, {}).get(part_name, part_name)
            part_mask = np.asarray(field(part, 'mask', path), dtype=bool) & mask
            merged[part_name] = merged.get(part_name, np.zeros_like(mask)) | part_mask
        objects.append((name, mask, sorted(merged.items())))
    return objects


def convert_pascal_part(
        mat_dir: str,
        img_dir: str,
        image_names: Sequence[str],
        name: str,
        part_map: Optional[Dict[str, Dict[str,
                                          str]]] = None) -> Tuple[dict, dict, ConversionSummary]:
    """Convert the listed images of Pascal-Part into one objects file and one parts file.

    Args:
        mat_dir: the ``Annotations_Part`` folder.
        img_dir: VOC2012's ``JPEGImages`` folder (``<image>.jpg``).
        image_names: the split's images, e.g. VOC's ``ImageSets/Main/val.txt``.
        name: the output split's name.
        part_map: per object class, fine part name -> merged name (parts with
            one merged name become one part); unmapped names stay.

    Objects without part annotations (classes Pascal-Part does not split,
    such as boat or chair) are skipped and counted, like unreadable images
    and malformed .mat files, each named.
    """
    require_inputs(mat_folder=mat_dir, image_folder=img_dir)
    summary = ConversionSummary(name)
    kept = []
    for image_name in track_iter_progress(list(image_names)):
        img_path = osp.join(img_dir, f'{image_name}.jpg')
        problem = readable_image(img_path)
        if problem:
            summary.skip(problem, image_name)
            continue
        with Image.open(img_path) as image:
            width, height = image.size
        try:
            objects = read_objects(
                osp.join(mat_dir, f'{image_name}.mat'), (height, width), part_map or {})
        except (MatFormatError, FileNotFoundError) as e:
            summary.skip('bad or missing .mat', f'{image_name}: {e}')
            continue
        with_parts = []
        for index, (cls, mask, parts) in enumerate(objects):
            if cls not in VOC_CLASSES:
                summary.skip('not a VOC class', f'{image_name} object {index} ({cls})')
            elif not parts or not any(m.any() for _, m in parts):
                summary.skip('object without parts', f'{image_name} object {index} ({cls})')
            elif not mask.any():
                summary.skip('empty object mask', f'{image_name} object {index} ({cls})')
            else:
                with_parts.append((cls, mask, [(p, m) for p, m in parts if m.any()]))
        if with_parts:
            kept.append((image_name, height, width, with_parts))
    part_ids = {
        key: i + 1
        for i, key in enumerate(
            sorted({(cls, p)
                    for *_, objs in kept
                    for cls, _, parts in objs
                    for p, _ in parts}))
    }
    builder = PartsFormatBuilder()
    for image_name, height, width, objs in kept:
        image_id = builder.add_image(f'{image_name}.jpg', height, width)
        for cls, mask, parts in objs:
            object_id = builder.add_object(image_id, VOC_CLASSES.index(cls) + 1, mask)
            for part, part_mask in parts:
                builder.add_part(object_id, part_ids[(cls, part)], part_mask)
                summary.parts_per_class[cls] += 1
        summary.images += 1
        summary.objects += len(objs)
    objects_file, parts_file = builder.files(f'Pascal-Part {name}, converted by mmpartdistill', [
        dict(id=i + 1, name=n) for i, n in enumerate(VOC_CLASSES)
    ], [dict(id=i, name=f'{cls} {part}', supercategory=cls) for (cls, part), i in part_ids.items()])
    summary.require_content(mat_dir)
    return objects_file, parts_file, summary
