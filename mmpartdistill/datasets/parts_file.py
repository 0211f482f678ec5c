"""Parts files: ground-truth parts (read by evaluation) and pseudo parts (stage-2 labels)."""
from dataclasses import dataclass
from typing import Dict, List

import numpy as np

from .coco_rle import decode_segmentation
from .objects_file import (AnnotationFormatError, ObjectsFile, check_annotations, read_coco_json)


@dataclass
class PartsFile:
    """A parts file checked against its objects file.

    ``parts_of_class`` lists the part category ids of every object class;
    ``parts_by_object`` the part annotations of every object.
    """
    path: str
    objects: ObjectsFile
    categories: Dict[int, dict]
    parts_of_class: Dict[int, List[int]]
    parts_by_object: Dict[int, List[dict]]

    @classmethod
    def load(cls, path: str, objects: ObjectsFile) -> 'PartsFile':
        data = read_coco_json(path)
        class_by_name = {cat['name']: cat_id for cat_id, cat in objects.categories.items()}
        categories: Dict[int, dict] = {}
        parts_of_class: Dict[int, List[int]] = {cat_id: [] for cat_id in objects.categories}
        for cat in data['categories']:
            owner = class_by_name.get(cat.get('supercategory'))
            if owner is None:
                raise AnnotationFormatError(
                    f'{path}: part category {cat.get("id")} ({cat.get("name")}) has supercategory '
                    f'{cat.get("supercategory")!r}, which names no object class of {objects.path}')
            categories[cat['id']] = dict(cat, object_category_id=owner)
            parts_of_class[owner].append(cat['id'])
        images = {img['id']: img for img in data['images']}
        annotations = check_annotations(path, data, images, categories)
        parts_by_object: Dict[int, List[dict]] = {obj_id: [] for obj_id in objects.objects}
        for ann_id, ann in annotations.items():
            obj = objects.objects.get(ann.get('object_id'))
            if obj is None:
                raise AnnotationFormatError(
                    f'{path}: part annotation {ann_id} has object_id {ann.get("object_id")}, '
                    f'which is not an object of {objects.path}')
            if obj['image_id'] != ann['image_id']:
                raise AnnotationFormatError(
                    f'{path}: part annotation {ann_id} is in image {ann["image_id"]} but its '
                    f'object {obj["id"]} is in image {obj["image_id"]}')
            if categories[ann['category_id']]['object_category_id'] != obj['category_id']:
                raise AnnotationFormatError(
                    f'{path}: part annotation {ann_id} has category {ann["category_id"]}, a part '
                    f'of another class than its object {obj["id"]}')
            parts_by_object[obj['id']].append(ann)
        return cls(path, objects, categories, parts_of_class, parts_by_object)

    def part_masks(self, object_id: int) -> np.ndarray:
        """``[P, H, W]`` uint8 masks of an object's annotated parts."""
        image = self.objects.images[self.objects.objects[object_id]['image_id']]
        masks = [
            decode_segmentation(a['segmentation'], image['height'], image['width'])
            for a in self.parts_by_object[object_id]
        ]
        return np.stack(masks) if masks else np.zeros(
            (0, image['height'], image['width']), np.uint8)

    def part_label_map(self, object_id: int) -> np.ndarray:
        """``[H, W]`` int map of an object's part category ids; 0 where no part is labelled.

        Overlapping part masks resolve to the later annotation.
        """
        image = self.objects.images[self.objects.objects[object_id]['image_id']]
        labels = np.zeros((image['height'], image['width']), np.int64)
        for ann, mask in zip(self.parts_by_object[object_id], self.part_masks(object_id)):
            labels[mask > 0] = ann['category_id']
        return labels
