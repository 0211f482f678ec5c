"""Reading and checking COCO-style annotation files of the objects + parts format."""
import glob
import json
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List

import numpy as np

from .coco_rle import decode_segmentation, segmentation_problem


class AnnotationFormatError(ValueError):
    """An annotation file breaks the format; the message names file and record."""


def load_json(path: str, what: str = 'annotation file', hint: str = '') -> object:
    """The JSON at ``path``; a missing or undecodable file is an error naming it."""
    if not osp.isfile(path):
        raise AnnotationFormatError(f'{path}: {what} not found{hint}')
    try:
        with open(path) as f:
            return json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise AnnotationFormatError(f'{path}: not valid JSON ({e}){hint}') from None


def read_coco_json(path: str) -> dict:
    """Load a COCO-style JSON, or a folder of them (shards, see
    :func:`read_coco_shards`), and check its top-level lists and image records."""
    if osp.isdir(path):
        return read_coco_shards(path)
    data = load_json(path)
    if not isinstance(data, dict):
        raise AnnotationFormatError(
            f'{path}: top level must be an object, got {type(data).__name__}')
    for key in ('images', 'annotations', 'categories'):
        if not isinstance(data.get(key), list):
            raise AnnotationFormatError(f'{path}: missing list field "{key}"')
    seen = set()
    for image in data['images']:
        for key in ('id', 'width', 'height', 'file_name'):
            if key not in image:
                raise AnnotationFormatError(f'{path}: image {image.get("id", image)} lacks "{key}"')
        if image['id'] in seen:
            raise AnnotationFormatError(f'{path}: image id {image["id"]} appears twice')
        seen.add(image['id'])
    return data


def shard_files(folder: str, what: str = 'annotation shards') -> List[str]:
    """The ``*.json`` files of a folder of shards, in name order; an error
    naming the folder when it holds none."""
    paths = sorted(glob.glob(osp.join(folder, '*.json')))
    if not paths:
        raise AnnotationFormatError(f'{folder}: a folder of {what} holds no *.json')
    return paths


def read_coco_shards(folder: str) -> dict:
    """The ``*.json`` files of ``folder``, in name order, as one file: their
    images and annotations one after another, their categories (the same in
    every shard) once. Image and annotation ids must be unique over all."""
    paths = shard_files(folder)
    merged: dict = {}
    image_file: Dict[int, str] = {}
    for path in paths:
        shard = read_coco_json(path)
        if not merged:
            merged = dict(shard, images=[], annotations=[])
        elif shard['categories'] != merged['categories']:
            raise AnnotationFormatError(f'{path}: categories differ from those of {paths[0]}; '
                                        'every shard of a folder lists the same categories')
        for image in shard['images']:
            first = image_file.setdefault(image['id'], path)
            if first != path:
                raise AnnotationFormatError(
                    f'{path}: image id {image["id"]} is also in {first}')
        merged['images'] += shard['images']
        merged['annotations'] += shard['annotations']
    return merged


def check_annotations(path: str, data: dict, images: Dict[int, dict],
                      categories: Dict[int, dict]) -> Dict[int, dict]:
    """Index annotations by id after checking ids, references and masks."""
    annotations = {}
    for index, ann in enumerate(data['annotations']):
        if not isinstance(ann, dict):
            raise AnnotationFormatError(
                f'{path}: annotation {index} is a {type(ann).__name__}, not a JSON object')
        ann_id = ann.get('id')
        if ann_id is None:
            raise AnnotationFormatError(f'{path}: an annotation has no "id": {str(ann)[:80]}')
        if ann_id in annotations:
            raise AnnotationFormatError(f'{path}: annotation id {ann_id} appears twice')
        if ann.get('image_id') not in images:
            raise AnnotationFormatError(
                f'{path}: annotation {ann_id} has image_id {ann.get("image_id")}, not in "images"')
        if ann.get('category_id') not in categories:
            raise AnnotationFormatError(f'{path}: annotation {ann_id} has unknown category_id '
                                        f'{ann.get("category_id")}')
        segmentation = ann.get('segmentation')
        if not segmentation or (isinstance(segmentation, dict) and 'counts' not in segmentation):
            raise AnnotationFormatError(f'{path}: annotation {ann_id} has no segmentation')
        image = images[ann['image_id']]
        problem = segmentation_problem(segmentation, image['height'], image['width'])
        if problem:
            raise AnnotationFormatError(f'{path}: annotation {ann_id}: {problem}')
        if ann.get('area', 1) <= 0:
            raise AnnotationFormatError(f'{path}: annotation {ann_id} has an empty mask (area 0)')
        annotations[ann_id] = ann
    return annotations


@dataclass
class ObjectsFile:
    """An objects file: images, object classes and object masks, indexed by id."""
    path: str
    images: Dict[int, dict]
    categories: Dict[int, dict]
    objects: Dict[int, dict]
    objects_by_image: Dict[int, List[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str) -> 'ObjectsFile':
        data = read_coco_json(path)
        images = {img['id']: img for img in data['images']}
        categories = {}
        for cat in data['categories']:
            if 'id' not in cat or 'name' not in cat:
                raise AnnotationFormatError(f'{path}: category {cat} needs "id" and "name"')
            categories[cat['id']] = cat
        objects = check_annotations(path, data, images, categories)
        by_image: Dict[int, List[int]] = {img_id: [] for img_id in images}
        for obj_id, obj in objects.items():
            by_image[obj['image_id']].append(obj_id)
        return cls(path, images, categories, objects, by_image)

    def mask(self, object_id: int) -> np.ndarray:
        """Binary ``[H, W]`` mask of an object."""
        obj = self.objects[object_id]
        image = self.images[obj['image_id']]
        return decode_segmentation(obj['segmentation'], image['height'], image['width'])
