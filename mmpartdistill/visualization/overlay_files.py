"""Overlay PNGs of a split's part predictions, one per image."""
import os.path as osp
from typing import List

import mmcv
import numpy as np
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.mask import mask2bbox
from mmengine.structures import InstanceData

from ..datasets.objects_file import ObjectsFile
from ..datasets.part_predictions import PredictionsByObject
from ..utils import atomic_write_png
from .part_local_visualizer import PartLocalVisualizer
from .proposal_panels import draw_proposal_panels


def enlarge(mask: np.ndarray, scale: int) -> np.ndarray:
    return np.kron(mask.astype(bool), np.ones((scale, scale), bool)) if scale > 1 else mask


def objects_and_parts(objects: ObjectsFile,
                      object_ids: List[int],
                      labels: dict,
                      predictions: PredictionsByObject,
                      scale: int = 1) -> DetDataSample:
    """A data sample with the objects as ``gt_instances`` and their parts as
    ``pred_instances`` (``labels`` maps category ids to class indices), masks
    enlarged ``scale`` times."""
    masks = torch.from_numpy(
        np.stack([enlarge(objects.mask(o), scale) for o in object_ids]).astype(bool))
    object_labels = [labels[objects.objects[o]['category_id']] for o in object_ids]
    sample = DetDataSample()
    sample.gt_instances = InstanceData(
        masks=masks, labels=torch.tensor(object_labels), bboxes=mask2bbox(masks))
    parts = [(o, lb, *part) for o, lb in zip(object_ids, object_labels)
             for part in predictions.get(o, [])]
    h, w = masks.shape[1:]
    part_masks = torch.zeros((0, h, w), dtype=torch.bool)
    if parts:
        part_masks = torch.from_numpy(np.stack([enlarge(p[4], scale) for p in parts]))
    sample.pred_instances = InstanceData(
        masks=part_masks,
        scores=torch.tensor([p[3] for p in parts], dtype=torch.float),
        part_ids=torch.tensor([p[2] for p in parts], dtype=torch.long),
        object_ids=torch.tensor([p[0] for p in parts], dtype=torch.long),
        object_labels=torch.tensor([p[1] for p in parts], dtype=torch.long))
    return sample


def write_part_overlays(objects: ObjectsFile,
                        predictions: PredictionsByObject,
                        img_dir: str,
                        out_dir: str,
                        max_images: int = 12,
                        proposals: int = 0,
                        min_size: int = 256) -> int:
    """Write ``<image name>_parts.png`` for the first ``max_images`` images with
    objects: the objects beside their parts, drawn by :class:`PartLocalVisualizer`
    on the image enlarged to at least ``min_size`` pixels a side (or, with
    ``proposals=N``, each object's top-N proposals in panels). Returns the
    number written."""
    cats = sorted(objects.categories.values(), key=lambda c: c['id'])
    labels = {c['id']: i for i, c in enumerate(cats)}
    visualizer = PartLocalVisualizer(name=f'part_overlays_{out_dir}')
    visualizer.dataset_meta = dict(classes=tuple(c['name'] for c in cats))
    drawn = 0
    for img_id, object_ids in sorted(objects.objects_by_image.items()):
        if not object_ids or drawn >= max_images:
            continue
        image_info = objects.images[img_id]
        path = osp.join(img_dir, image_info['file_name'])
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path}: image {img_id} not found')
        rgb = mmcv.imread(path, channel_order='rgb')
        if proposals:
            canvas = np.concatenate([
                draw_proposal_panels(rgb, objects.mask(o), predictions.get(o, []), proposals)
                for o in object_ids
            ])
        else:
            scale = max(1, -(-min_size // min(rgb.shape[:2])))
            visualizer.add_datasample(
                image_info['file_name'],
                mmcv.imrescale(rgb, scale, interpolation='nearest'),
                objects_and_parts(objects, object_ids, labels, predictions, scale),
                pred_score_thr=0.0)
            canvas = visualizer.get_image()
        name = osp.splitext(image_info['file_name'])[0] + '_parts.png'
        atomic_write_png(canvas, osp.join(out_dir, name))
        drawn += 1
    return drawn
