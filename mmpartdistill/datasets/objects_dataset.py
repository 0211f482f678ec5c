"""ObjectsDataset: the object side of the objects + parts format for MMDetection."""
import os.path as osp
from typing import List

from mmdet.datasets import CocoDataset
from mmdet.datasets.api_wrappers import COCO
from mmdet.registry import DATASETS

from .child_load import ChildLoadMixin
from .coco_rle import mask_to_coco_fields
from .objects_file import ObjectsFile


@DATASETS.register_module()
class ObjectsDataset(ChildLoadMixin, CocoDataset):
    """Images with their object masks and classes, read from an objects file.

    The file is parsed once: :class:`ObjectsFile` checks it (errors name the
    record), then MMDetection's :class:`CocoDataset` makes the records (COCO
    API over the parsed file, its instance rules and empty-image filter),
    which MMEngine keeps serialized in one buffer (shared by DataLoader
    workers, copy-on-write); all this runs in a child process
    (:func:`~.child_load.full_init_in_child`), so that the parser's freed
    memory leaves with it. ``ann_file`` may be a folder of shards
    (:func:`~.objects_file.read_coco_shards`). Classes come from the file's
    categories (ordered by id) unless the metainfo names some of them, in id
    order; images come in id order. Each record keeps ``object_ids``, the annotation ids of its
    instances in order, so part predictions can name their object. Objects
    without ``bbox`` or ``area`` get them from their mask. Part annotations
    are never read here.
    """
    METAINFO = dict(classes=())

    def load_data_list(self) -> List[dict]:
        self.objects = ObjectsFile.load(self.ann_file)
        cats = sorted(self.objects.categories.values(), key=lambda c: c['id'])
        if not self._metainfo.get('classes'):
            self._metainfo['classes'] = tuple(c['name'] for c in cats)
        names = {c['name'] for c in cats}
        missing = [n for n in self._metainfo['classes'] if n not in names]
        if missing:
            raise ValueError(f'{self.ann_file}: classes {missing} are not categories of this file')
        in_id_order = [c['name'] for c in cats if c['name'] in self._metainfo['classes']]
        if list(self._metainfo['classes']) != in_id_order:
            # CocoDataset numbers the classes in category id order
            raise ValueError(f'{self.ann_file}: list the classes in category id order, '
                             f'{in_id_order}, not {list(self._metainfo["classes"])}')
        self.COCOAPI = self.parsed_coco
        try:
            data_list = sorted(super().load_data_list(), key=lambda record: record['img_id'])
        finally:
            del self.objects, self.COCOAPI
        return data_list

    def parsed_coco(self, path: str) -> COCO:
        """The COCO API over the file :class:`ObjectsFile` parsed, not read again."""
        coco = COCO()
        coco.dataset = dict(
            images=list(self.objects.images.values()),
            annotations=list(self.objects.objects.values()),
            categories=list(self.objects.categories.values()))
        coco.createIndex()
        coco.img_ann_map, coco.cat_img_map = coco.imgToAnns, coco.catToImgs
        return coco

    def parse_data_info(self, raw_data_info: dict) -> dict:
        """CocoDataset's record, with ``object_ids``: the ids of the annotations
        it keeps, in its order (each annotation goes through its rules alone)."""
        record = super().parse_data_info(dict(raw_data_info, raw_ann_info=[]))
        record['object_ids'] = []
        for ann in raw_data_info['raw_ann_info']:
            kept = super().parse_data_info(dict(raw_data_info,
                                                raw_ann_info=[self.with_box(ann)]))['instances']
            record['instances'] += kept
            record['object_ids'] += [ann['id']] * len(kept)
        return record

    def with_box(self, ann: dict) -> dict:
        """The annotation with ``bbox`` and ``area`` (from its mask where absent)."""
        if ann.get('bbox') and ann.get('area') is not None:
            return ann
        fields = mask_to_coco_fields(self.objects.mask(ann['id']))
        return dict(
            ann, bbox=ann.get('bbox') or fields['bbox'], area=ann.get('area', fields['area']))


def image_record(data_prefix: dict, image: dict) -> dict:
    """The image fields of a data record: path under the ``img`` prefix, id and size."""
    return dict(
        img_path=osp.join(data_prefix.get('img', ''), image['file_name']),
        img_id=image['id'],
        height=image['height'],
        width=image['width'])


def objects_bbox(objects: ObjectsFile, object_id: int) -> List[float]:
    """``[x, y, w, h]`` of an object's mask, for files that omit ``bbox``."""
    return mask_to_coco_fields(objects.mask(object_id))['bbox']
