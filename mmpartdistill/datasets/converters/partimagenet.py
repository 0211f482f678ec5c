"""PartImageNet (COCO-style part annotations) -> the objects + parts format.

PartImageNet annotates parts only; a part category's ``supercategory`` is
its object class (Quadruped, Car, ...). Each image shows one object of a
class, so the object of an image and class is the union of its parts.
"""
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Sequence, Tuple

import numpy as np
from mmengine.utils import track_iter_progress

from ..coco_rle import decode_segmentation
from ..objects_file import AnnotationFormatError, read_coco_json
from .format_builder import PartsFormatBuilder
from .image_check import readable_image
from .summary import ConversionSummary, require_inputs


def part_class(category: dict, path: str) -> Tuple[str, str]:
    """(object class, part name) of a PartImageNet part category."""
    owner = category.get('supercategory')
    if not owner:
        raise AnnotationFormatError(f'{path}: part category {category.get("id")} '
                                    f'({category.get("name")}) has no "supercategory"')
    name = category['name']
    return owner, name[len(owner):].strip() if name.startswith(owner + ' ') else name


def convert_partimagenet(splits: Sequence[Tuple[str, str, str]],
                         name: str) -> Tuple[dict, dict, ConversionSummary]:
    """Convert and merge PartImageNet splits into one objects file and one parts file.

    Args:
        splits: ``(split, annotation json, image folder)`` per source split;
            ``file_name`` in the output is ``<split>/<file_name>``.
        name: the output split's name (``valtest`` for val + test, as the
            authors evaluate).

    Returns:
        The objects file, the parts file (both as dicts) and the summary.
        Image and annotation ids are renumbered, so ids that collide across
        source splits cannot clash.
    """
    summary = ConversionSummary(name)
    object_classes: Dict[str, int] = {}
    part_categories: Dict[Tuple[str, str], int] = {}
    builder = PartsFormatBuilder()
    for split, ann_path, img_dir in splits:
        require_inputs(annotation_file=ann_path, image_folder=img_dir)
        data = read_coco_json(ann_path)
        categories = {c['id']: part_class(c, ann_path) for c in data['categories']}
        for owner, part in sorted(categories.values()):
            object_classes.setdefault(owner, len(object_classes) + 1)
            part_categories.setdefault((owner, part), len(part_categories) + 1)
        by_image: Dict[int, List[dict]] = defaultdict(list)
        known = {image['id'] for image in data['images']}
        for ann in data['annotations']:
            record = f'{split} annotation {ann.get("id")}'
            if ann.get('image_id') not in known:
                summary.skip('image_id not in "images"', record)
            elif ann.get('category_id') not in categories:
                summary.skip('unknown category_id', record)
            elif not ann.get('segmentation'):
                summary.skip('no segmentation', record)
            else:
                by_image[ann['image_id']].append(ann)
        for image in track_iter_progress(data['images']):
            record = f'{split} image {image["id"]} ({image["file_name"]})'
            problem = readable_image(osp.join(img_dir, image['file_name']))
            if problem:
                summary.skip(problem, record)
                continue
            if not by_image[image['id']]:
                summary.skip('no part annotations', record)
                continue
            h, w = image['height'], image['width']
            grouped: Dict[str, List[Tuple[str, np.ndarray]]] = defaultdict(list)
            for ann in by_image[image['id']]:
                mask = decode_segmentation(ann['segmentation'], h, w)
                if mask.any():
                    grouped[categories[ann['category_id']][0]].append(
                        (categories[ann['category_id']][1], mask))
                else:
                    summary.skip('empty part mask', f'{split} annotation {ann["id"]}')
            if not grouped:
                continue
            image_id = builder.add_image(
                f'{split}/{image["file_name"]}', h, w, source_split=split, source_id=image['id'])
            for owner, owner_parts in sorted(grouped.items()):
                object_id = builder.add_object(image_id, object_classes[owner],
                                               np.any([m for _, m in owner_parts], axis=0))
                for part, mask in owner_parts:
                    builder.add_part(object_id, part_categories[(owner, part)], mask)
                    summary.parts_per_class[owner] += 1
            summary.images += 1
            summary.objects += len(grouped)
    objects_file, parts_file = builder.files(
        f'PartImageNet {name}, converted by mmpartdistill',
        [dict(id=i, name=n) for n, i in object_classes.items()], [
            dict(id=i, name=f'{owner} {part}'.lower(), supercategory=owner)
            for (owner, part), i in part_categories.items()
        ])
    summary.require_content(', '.join(ann_path for _, ann_path, _ in splits))
    return objects_file, parts_file, summary
