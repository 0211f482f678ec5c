"""PseudoPartsDataset: pseudo parts as object-centred training data (stages 2 and 4)."""
import os.path as osp
from typing import Dict, List, Optional

from mmdet.datasets import BaseDetDataset
from mmdet.registry import DATASETS
from mmengine.logging import MMLogger

from .categories import parts_per_class_of
from .child_load import ChildLoadMixin
from .coco_rle import decode_segmentation, mask_to_coco_fields
from .objects_dataset import image_record, objects_bbox
from .objects_file import ObjectsFile
from .part_palette import class_part_palette
from .parts_file import PartsFile


@DATASETS.register_module()
class PseudoPartsDataset(ChildLoadMixin, BaseDetDataset):
    """One record per object that has pseudo parts, for object-centred training.

    Each record carries ``focus_bbox`` (its object's ``[x1, y1, x2, y2]``, for
    :class:`CropAroundObject`), ``object_id`` and, as instances of the single
    class ``part``, the pseudo parts of every object in the image (a crop
    with context shows neighbours too). Objects without pseudo parts are
    skipped and counted in the log; a split with none at all is an error.

    Class-specific mode (``class_specific=True``, stage 4 on stage 3's ranked
    parts): object classes are numbered by id, part ``k`` of class ``c`` is
    label ``c * K + k`` (its category's ``part_id``), a record's instances
    are its own object's parts only, and ``object_label`` gives the object's
    class. K is the most parts any class has in the parts file (each class's
    own count is ``parts_per_class`` in the metainfo). The metainfo's
    ``object_classes`` names the object classes in label order; checkpoints
    keep both in ``dataset_meta`` for :class:`PartInferencer`.

    Each file is parsed once, in a child process
    (:func:`~.child_load.full_init_in_child`); the records are kept in
    MMEngine's serialized buffer.

    Args:
        ann_file: the parts file (stage 1's ``pseudo_parts.json`` or stage
            3's ``ranked_parts.json``), or a folder of its shards
            (:func:`~.objects_file.read_coco_shards`).
        objects_file: its objects file (or folder of shards), relative to
            ``data_root`` like ``ann_file``.
        class_specific: class-specific labels; else one class ``part``.
        num_parts: K slots per class instead of the file's (at least its
            largest part count); implies ``class_specific``.
    """
    METAINFO = dict(classes=('part', ), palette=[(220, 20, 60)])

    def __init__(self,
                 *args,
                 objects_file: str,
                 class_specific: bool = False,
                 num_parts: Optional[int] = None,
                 **kwargs) -> None:
        self.objects_file, self.num_parts = objects_file, num_parts
        self.class_specific = class_specific or num_parts is not None
        super().__init__(*args, **kwargs)

    def _join_prefix(self) -> None:
        super()._join_prefix()
        if self.data_root and not osp.isabs(self.objects_file):
            self.objects_file = osp.join(self.data_root, self.objects_file)

    def load_data_list(self) -> List[dict]:
        objects = ObjectsFile.load(self.objects_file)
        parts = PartsFile.load(self.ann_file, objects)
        labels = self.part_labels(parts)
        object_label = {c: i for i, c in enumerate(sorted(objects.categories))}
        self._metainfo['object_classes'] = tuple(objects.categories[c]['name']
                                                 for c in sorted(objects.categories))
        data_list, skipped = [], 0
        for img_id, image in sorted(objects.images.items()):
            object_ids = objects.objects_by_image[img_id]
            instances = {
                obj_id: [
                    part_instance(ann, image['height'], image['width'], labels[ann['category_id']])
                    for ann in parts.parts_by_object[obj_id]
                ]
                for obj_id in object_ids
            }
            for obj_id in object_ids:
                if not parts.parts_by_object[obj_id]:
                    skipped += 1
                    continue
                obj = objects.objects[obj_id]
                x, y, w, h = obj.get('bbox') or objects_bbox(objects, obj_id)
                record = dict(
                    image_record(self.data_prefix, image),
                    object_id=obj_id,
                    focus_bbox=[x, y, x + w, y + h],
                    instances=sum(instances.values(), []))
                if self.class_specific:
                    record.update(
                        instances=instances[obj_id], object_label=object_label[obj['category_id']])
                data_list.append(record)
        if not data_list:
            raise ValueError(f'{self.ann_file}: no object of {self.objects_file} has pseudo '
                             'parts; the stage that writes this file (stage 1, or stage 3 for '
                             'ranked parts) labelled nothing, or has not run on this split')
        MMLogger.get_current_instance().info(
            f'{self.ann_file}: {len(data_list)} objects with pseudo parts; {skipped} objects '
            'without pseudo parts skipped')
        return data_list

    def part_labels(self, parts: PartsFile) -> Dict[int, int]:
        """Training label of each part category (0 for all when class-agnostic)."""
        if not self.class_specific:
            return {cat_id: 0 for cat_id in parts.categories}
        classes = sorted(parts.objects.categories)
        counts = parts_per_class_of(self.ann_file,
                                    tuple(parts.objects.categories[c]['name'] for c in classes))
        if self.num_parts is None:
            self.num_parts = max(counts)
        self._metainfo['parts_per_class'] = counts
        labels, names = {}, {}
        for cat_id, cat in parts.categories.items():
            k = cat.get('part_id')
            if not isinstance(k, int) or not 0 <= k < self.num_parts:
                raise ValueError(f'{self.ann_file}: part category {cat_id} ({cat.get("name")}) has '
                                 f'part_id {k!r}; class-specific labels need 0 <= part_id < '
                                 f'num_parts={self.num_parts}')
            labels[cat_id] = classes.index(cat['object_category_id']) * self.num_parts + k
            names[labels[cat_id]] = cat['name']
        self._metainfo['classes'] = tuple(
            names.get(i, f'{parts.objects.categories[c]["name"]} part{k}')
            for i, (c, k) in enumerate((c, k) for c in classes for k in range(self.num_parts)))
        # one colour per label, so that MMDetection's visualizer can draw them
        self._metainfo['palette'] = class_part_palette(self.num_parts, len(classes))
        return labels


def part_instance(ann: dict, height: int, width: int, label: int = 0) -> dict:
    """A part annotation as an MMDetection instance of class ``label``."""
    x, y, w, h = ann.get('bbox') or mask_to_coco_fields(
        decode_segmentation(ann['segmentation'], height, width))['bbox']
    return dict(
        bbox=[x, y, x + w, y + h], bbox_label=label, mask=ann['segmentation'], ignore_flag=0)
