"""Image and object records of a predicted data sample, for the shards of the stages."""
import os.path as osp
from typing import Dict

import numpy as np
import torch
import torch.nn.functional as F

from ..datasets.coco_rle import mask_to_coco_fields


def image_record(sample, dataset) -> dict:
    """The objects-file image record of a data sample (original size, name under the
    dataset's image prefix)."""
    oh, ow = sample.ori_shape
    return dict(
        id=sample.img_id,
        width=ow,
        height=oh,
        file_name=osp.relpath(sample.img_path, dataset.data_prefix.get('img', '')))


def add_image_and_objects(sample, dataset, shard: Dict[str, list]) -> Dict[int, np.ndarray]:
    """Append the sample's image record and its (non-empty) objects, with masks at
    the original image size, to ``shard``; returns ``{object id: [H, W] mask}``."""
    oh, ow = sample.ori_shape
    shard['images'].append(image_record(sample, dataset))
    masks = sample.gt_instances.masks.to_tensor(torch.bool, 'cpu')
    if len(masks) and tuple(masks.shape[-2:]) != (oh, ow):
        masks = F.interpolate(masks[None].float(), size=(oh, ow), mode='nearest')[0].bool()
    object_masks = {}
    for obj_id, label, mask in zip(sample.object_ids, sample.gt_instances.labels.tolist(),
                                   masks.numpy()):
        if not mask.any():
            continue
        object_masks[int(obj_id)] = mask
        shard['objects'].append(
            dict(
                id=int(obj_id),
                image_id=sample.img_id,
                category_id=int(dataset.cat_ids[label]),
                iscrowd=0,
                **mask_to_coco_fields(mask)))
    return object_masks
