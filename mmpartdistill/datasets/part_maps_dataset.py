"""PartMapsDataset: semantic part maps for MMSegmentation, classes from the maps' folder."""
import os.path as osp
from typing import List

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .part_maps_meta import META_FILE, load_part_maps_meta


@DATASETS.register_module()
class PartMapsDataset(BaseSegDataset):
    """A split written by ``tools/dataset_converters/semantic_part_maps.py``.

    The classes, object classes, ignore index and image suffix come from
    ``part_maps.json`` in ``maps_root``, never from the config. Each record
    also names its object class map (``object_map_path``) for
    :class:`LoadObjectClassMap`.

    Args:
        maps_root: the map folder (``ann_dir``, ``obj_dir``, ``splits``, ``part_maps.json``).
        split: the split to read.
        img_dir: the images' folder (the objects file's file names are relative to it).
        **kwargs: :class:`BaseSegDataset`'s other arguments.
    """

    def __init__(self, *, maps_root: str, split: str, img_dir: str, **kwargs) -> None:
        self.maps_root = osp.join(kwargs.get('data_root') or '', maps_root)
        self.part_maps = load_part_maps_meta(self.maps_root)
        if split not in self.part_maps['splits']:
            raise ValueError(f'{osp.join(self.maps_root, META_FILE)}: no split {split!r}; it has '
                             f'{sorted(self.part_maps["splits"])}')
        self.split = split
        metainfo = dict(
            kwargs.pop('metainfo', None) or {},
            classes=tuple(self.part_maps['classes']),
            object_classes=tuple(self.part_maps['object_classes']),
            part_object_labels=tuple(self.part_maps['part_object_labels']),
            num_parts=self.part_maps['num_parts'])
        super().__init__(
            ann_file=osp.join(maps_root, 'splits', split + '.txt'),
            data_prefix=dict(img_path=img_dir, seg_map_path=osp.join(maps_root, 'ann_dir', split)),
            img_suffix=self.part_maps['splits'][split]['img_suffix'],
            seg_map_suffix='.png',
            ignore_index=self.part_maps['ignore_index'],
            metainfo=metainfo,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        data_list = super().load_data_list()
        object_dir = osp.join(self.maps_root, 'obj_dir', self.split)
        for record in data_list:
            name = osp.relpath(record['seg_map_path'], self.data_prefix['seg_map_path'])
            record['object_map_path'] = osp.join(object_dir, name)
        return data_list
