"""ObjectsDataset: the object side of the objects + parts format for MMDetection."""
import os.path as osp
from typing import List

from mmdet.datasets import BaseDetDataset
from mmdet.registry import DATASETS

from .coco_rle import mask_to_coco_fields
from .objects_file import ObjectsFile


@DATASETS.register_module()
class ObjectsDataset(BaseDetDataset):
    """Images with their object masks and classes, read from an objects file.

    Classes come from the file's categories (ordered by id) unless the
    metainfo names them. Each record keeps ``object_ids``, the annotation
    ids of its instances in order, so part predictions can name their object.
    Part annotations are never read here.
    """

    def load_data_list(self) -> List[dict]:
        objects = ObjectsFile.load(self.ann_file)
        cats = sorted(objects.categories.values(), key=lambda c: c['id'])
        if not self._metainfo.get('classes'):
            self._metainfo['classes'] = tuple(c['name'] for c in cats)
        by_name = {c['name']: c['id'] for c in cats}
        missing = [n for n in self._metainfo['classes'] if n not in by_name]
        if missing:
            raise ValueError(f'{self.ann_file}: classes {missing} are not categories of this file')
        self.cat_ids = [by_name[n] for n in self._metainfo['classes']]
        self.cat2label = {cat_id: i for i, cat_id in enumerate(self.cat_ids)}
        data_list = []
        for img_id, image in sorted(objects.images.items()):
            instances, object_ids = [], []
            for obj_id in objects.objects_by_image[img_id]:
                obj = objects.objects[obj_id]
                if obj['category_id'] not in self.cat2label:
                    continue
                x, y, w, h = obj.get('bbox') or objects_bbox(objects, obj_id)
                instances.append(
                    dict(
                        bbox=[x, y, x + w, y + h],
                        bbox_label=self.cat2label[obj['category_id']],
                        mask=obj['segmentation'],
                        ignore_flag=int(obj.get('iscrowd', 0))))
                object_ids.append(obj_id)
            data_list.append(
                dict(
                    image_record(self.data_prefix, image),
                    instances=instances,
                    object_ids=object_ids))
        return data_list

    def filter_data(self) -> List[dict]:
        """Drop images without objects when ``filter_cfg.filter_empty_gt`` is set (training)."""
        if self.test_mode or not (self.filter_cfg or {}).get('filter_empty_gt', False):
            return self.data_list
        return [d for d in self.data_list if d['instances']]


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
