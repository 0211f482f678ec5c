"""PseudoPartsDataset: stage-1 pseudo parts as class-agnostic part-proposal training data."""
import os.path as osp
from typing import List

from mmdet.datasets import BaseDetDataset
from mmdet.registry import DATASETS
from mmengine.logging import MMLogger

from .coco_rle import decode_segmentation, mask_to_coco_fields
from .objects_dataset import image_record, objects_bbox
from .objects_file import ObjectsFile
from .parts_file import PartsFile


@DATASETS.register_module()
class PseudoPartsDataset(BaseDetDataset):
    """One record per object that has pseudo parts, for object-centred training.

    Each record carries ``focus_bbox`` (its object's ``[x1, y1, x2, y2]``, for
    :class:`CropAroundObject`), ``object_id`` and, as instances of the single
    class ``part``, the pseudo parts of every object in the image (a crop
    with context shows neighbours too). Objects without pseudo parts are
    skipped and counted in the log; a split with none at all is an error.

    Args:
        ann_file: the parts file of stage 1 (``annotations/pseudo_parts.json``).
        objects_file: its objects file, relative to ``data_root`` like ``ann_file``.
    """
    METAINFO = dict(classes=('part', ), palette=[(220, 20, 60)])

    def __init__(self, *args, objects_file: str, **kwargs) -> None:
        self.objects_file = objects_file
        super().__init__(*args, **kwargs)

    def _join_prefix(self) -> None:
        super()._join_prefix()
        if self.data_root and not osp.isabs(self.objects_file):
            self.objects_file = osp.join(self.data_root, self.objects_file)

    def load_data_list(self) -> List[dict]:
        objects = ObjectsFile.load(self.objects_file)
        parts = PartsFile.load(self.ann_file, objects)
        data_list, skipped = [], 0
        for img_id, image in sorted(objects.images.items()):
            object_ids = objects.objects_by_image[img_id]
            instances = [
                part_instance(ann, image['height'], image['width']) for obj_id in object_ids
                for ann in parts.parts_by_object[obj_id]
            ]
            for obj_id in object_ids:
                if not parts.parts_by_object[obj_id]:
                    skipped += 1
                    continue
                x, y, w, h = objects.objects[obj_id].get('bbox') or objects_bbox(objects, obj_id)
                data_list.append(
                    dict(
                        image_record(self.data_prefix, image),
                        object_id=obj_id,
                        focus_bbox=[x, y, x + w, y + h],
                        instances=instances))
        if not data_list:
            raise ValueError(f'{self.ann_file}: no object of {self.objects_file} has pseudo '
                             'parts; run stage 1 on this split first')
        MMLogger.get_current_instance().info(
            f'{self.ann_file}: {len(data_list)} objects with pseudo parts; {skipped} objects '
            'without pseudo parts skipped')
        return data_list


def part_instance(ann: dict, height: int, width: int) -> dict:
    """A part annotation as an MMDetection instance of the class ``part``."""
    x, y, w, h = ann.get('bbox') or mask_to_coco_fields(
        decode_segmentation(ann['segmentation'], height, width))['bbox']
    return dict(bbox=[x, y, x + w, y + h], bbox_label=0, mask=ann['segmentation'], ignore_flag=0)
