"""The parts a gallery shows, read from a parts file or a part predictions file.

Unlike the stages' readers, a gallery keeps going past bad records: each is
counted with the reason and the first examples, so the site can say what it
left out instead of not being made at all.
"""
import json
import math
import os.path as osp
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

from pycocotools import mask as mask_utils

from ..datasets.coco_rle import compressed_rle
from ..datasets.objects_file import AnnotationFormatError, ObjectsFile, shard_files

MAX_EXAMPLES = 5  # bad records quoted per reason


@dataclass
class GalleryParts:
    """Per object class, per part cluster, ``(score, object id, RLE)`` of its parts."""
    source: str
    kind: str  # 'predictions' or 'parts'
    by_class: Dict[int, Dict[int, List[Tuple[float, int, dict]]]]
    part_names: Dict[Tuple[int, int], str]
    problems: Dict[str, List[str]] = field(default_factory=dict)
    skipped: Dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, example: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        examples = self.problems.setdefault(reason, [])
        if len(examples) < MAX_EXAMPLES:
            examples.append(example)


def _files(path: str) -> List[str]:
    if osp.isdir(path):
        return shard_files(path, 'part shards')
    if not osp.isfile(path):
        raise AnnotationFormatError(f'{path}: no parts or predictions file there')
    return [path]


def _load(file: str) -> object:
    try:
        with open(file) as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise AnnotationFormatError(f'{file}: not valid JSON ({e})') from None


def read_gallery_parts(path: str, objects: ObjectsFile) -> GalleryParts:
    """The parts of ``path`` (a predictions list, a parts file, or a folder of
    either's shards) grouped by class and cluster; records that name no object
    of ``objects``, or are malformed, are skipped and reported."""
    files = _files(path)
    first = _load(files[0])
    kind = 'predictions' if isinstance(first, list) else 'parts'
    if kind == 'parts' and not (isinstance(first, dict) and 'annotations' in first):
        raise AnnotationFormatError(f'{files[0]}: neither a part predictions list nor a parts '
                                    'file (a COCO dict with "annotations" and "categories")')
    gallery = GalleryParts(path, kind, defaultdict(lambda: defaultdict(list)), {})
    for file in files:
        data = first if file == files[0] else _load(file)
        if kind == 'predictions':
            _add_predictions(gallery, file, data, objects)
        else:
            _add_parts(gallery, file, data, objects)
    gallery.by_class = {c: dict(parts) for c, parts in gallery.by_class.items()}
    return gallery


def _check_object(gallery: GalleryParts, where: str, rec: dict,
                  objects: ObjectsFile) -> Tuple[dict, dict]:
    obj = objects.objects.get(rec.get('object_id'))
    if obj is None:
        gallery.skip('object not in the objects file',
                     f'{where}: object_id {rec.get("object_id")!r} is not an object of '
                     f'{objects.path}')
        return None, None
    image = objects.images[obj['image_id']]
    try:
        rle = compressed_rle(rec.get('segmentation'), image['height'], image['width'])
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        gallery.skip('unreadable mask', f'{where}: {e}')
        return None, None
    return obj, rle


def _add_predictions(gallery: GalleryParts, file: str, data: object,
                     objects: ObjectsFile) -> None:
    if not isinstance(data, list):
        raise AnnotationFormatError(f'{file}: must hold a JSON list of part records, as the '
                                    'first file of the folder does')
    for index, rec in enumerate(data):
        where = f'{file}: record {index}'
        if not isinstance(rec, dict) or not isinstance(rec.get('part_id'), int):
            gallery.skip('malformed record', f'{where} has no integer part_id')
            continue
        score = rec.get('score')
        if isinstance(score, bool) or not isinstance(score,
                                                     (int, float)) or not math.isfinite(score):
            gallery.skip('malformed record', f'{where} has score {score!r}')
            continue
        obj, rle = _check_object(gallery, where, rec, objects)
        if obj is not None:
            gallery.by_class[obj['category_id']][rec['part_id']].append(
                (float(score), obj['id'], rle))


def _add_parts(gallery: GalleryParts, file: str, data: object, objects: ObjectsFile) -> None:
    if not isinstance(data, dict) or not isinstance(data.get('annotations'), list):
        raise AnnotationFormatError(f'{file}: must be a parts file like the first file of the '
                                    'folder (a COCO dict with "annotations")')
    classes = {cat['name']: cat_id for cat_id, cat in objects.categories.items()}
    part_of: Dict[int, Tuple[int, int]] = {}
    order: Dict[int, int] = defaultdict(int)
    for cat in data.get('categories', []):
        owner = classes.get(cat.get('supercategory'))
        if owner is None:
            gallery.skip('part category of no object class',
                         f'{file}: part category {cat.get("id")} has supercategory '
                         f'{cat.get("supercategory")!r}')
            continue
        part_id = cat['part_id'] if isinstance(cat.get('part_id'), int) else order[owner]
        order[owner] += 1
        part_of[cat.get('id')] = (owner, part_id)
        gallery.part_names[(owner, part_id)] = str(cat.get('name', f'part {part_id}'))
    for index, ann in enumerate(data['annotations']):
        where = f'{file}: annotation {index}'
        if not isinstance(ann, dict) or ann.get('category_id') not in part_of:
            gallery.skip('malformed record', f'{where} has no known part category')
            continue
        obj, rle = _check_object(gallery, where, ann, objects)
        if obj is None:
            continue
        owner, part_id = part_of[ann['category_id']]
        if owner != obj['category_id']:
            gallery.skip('part of another class than its object',
                         f'{where}: category {ann["category_id"]} is not a part of object '
                         f'{obj["id"]}\'s class')
            continue
        # a parts file has no scores: the parts covering most of their object come first
        area = float(mask_utils.area(rle)) / max(float(obj.get('area') or 1), 1.0)
        gallery.by_class[owner][part_id].append((area, obj['id'], rle))
