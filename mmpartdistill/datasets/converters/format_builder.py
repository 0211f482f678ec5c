"""Collects a converted split's images, objects and parts into the two files of the format."""
from typing import List, Tuple

import numpy as np

from ..coco_rle import mask_to_coco_fields


class PartsFormatBuilder:
    """Numbers images, objects and parts from 1 in the order they are added,
    so ids of merged or renamed source splits cannot collide."""

    def __init__(self) -> None:
        self.images: List[dict] = []
        self.objects: List[dict] = []
        self.parts: List[dict] = []

    def add_image(self, file_name: str, height: int, width: int, **extra) -> int:
        self.images.append(
            dict(id=len(self.images) + 1, file_name=file_name, width=width, height=height, **extra))
        return self.images[-1]['id']

    def add_object(self, image_id: int, category_id: int, mask: np.ndarray) -> int:
        self.objects.append(
            dict(
                id=len(self.objects) + 1,
                image_id=image_id,
                category_id=category_id,
                iscrowd=0,
                **mask_to_coco_fields(mask)))
        return self.objects[-1]['id']

    def add_part(self, object_id: int, category_id: int, mask: np.ndarray) -> None:
        self.parts.append(
            dict(
                id=len(self.parts) + 1,
                image_id=self.objects[object_id - 1]['image_id'],
                object_id=object_id,
                category_id=category_id,
                iscrowd=0,
                **mask_to_coco_fields(mask)))

    def files(self, description: str, object_categories: List[dict],
              part_categories: List[dict]) -> Tuple[dict, dict]:
        """The objects file and the parts file (part categories carry ``supercategory``)."""
        info = dict(description=description)
        return (dict(
            info=info, images=self.images, annotations=self.objects, categories=object_categories),
                dict(
                    info=info,
                    images=self.images,
                    annotations=self.parts,
                    categories=part_categories))
