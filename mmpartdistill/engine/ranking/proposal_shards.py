"""Per-object part proposals of a split, stored in resumable shards on disk."""
import os.path as osp
from typing import Dict, List

import numpy as np
import torch

from ...datasets.coco_rle import encode_mask
from ...datasets.objects_file import AnnotationFormatError
from ...utils import atomic_writer


def proposal_shard_path(out_dir: str, index: int) -> str:
    return osp.join(out_dir, f'shard_{index:06d}.pt')


def object_proposals(pred_instances, object_masks: Dict[int, np.ndarray]) -> List[dict]:
    """One record per object: its bbox crop, object mask, proposal masks (packed
    bits), scores and query features, from a detector's ``pred_instances``."""
    records = []
    obj_ids = pred_instances.object_ids.cpu()
    for obj_id, obj_mask in object_masks.items():
        ys, xs = np.nonzero(obj_mask)
        if len(ys) == 0:
            continue
        x1, y1, x2, y2 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
        mine = torch.nonzero(obj_ids == obj_id).flatten()
        masks = pred_instances.masks[mine][:, y1:y2, x1:x2].cpu().numpy().astype(bool)
        records.append(
            dict(
                object_id=int(obj_id),
                box=(int(x1), int(y1), int(x2), int(y2)),
                object_mask=np.packbits(obj_mask[y1:y2, x1:x2]),
                masks=np.packbits(masks.reshape(len(mine), (y2 - y1) * (x2 - x1)), axis=1),
                scores=pred_instances.scores[mine].float().cpu().numpy(),
                feats=pred_instances.query_feats[mine].float().cpu().numpy().astype(np.float16)))
    return records


def unpack_masks(record: dict) -> tuple:
    """``(object mask [h, w], proposal masks [P, h, w])`` of a proposal record."""
    x1, y1, x2, y2 = record['box']
    h, w = y2 - y1, x2 - x1
    obj = np.unpackbits(record['object_mask'], count=h * w).reshape(h, w).astype(bool)
    masks = np.unpackbits(record['masks'], axis=1, count=h * w).reshape(-1, h, w).astype(bool)
    return obj, masks


def write_proposal_shard(shard: dict, path: str) -> None:
    with atomic_writer(path, 'wb') as f:
        torch.save(shard, f)


def read_proposal_shard(path: str) -> dict:
    """A shard: ``images`` (image records), ``objects`` (object records with their
    class) and ``proposals`` (per-object proposal records)."""
    try:
        shard = torch.load(path, weights_only=False)
    except Exception as e:  # torch raises several types for a truncated or foreign file
        raise AnnotationFormatError(f'{path}: corrupted proposal shard ({type(e).__name__}: {e}); '
                                    'delete it and run again to regenerate it') from None
    if not isinstance(shard, dict) or any(not isinstance(shard.get(key), list)
                                          for key in ('images', 'objects', 'proposals')):
        raise AnnotationFormatError(f'{path}: not a proposal shard (needs the lists images, '
                                    'objects and proposals)')
    return shard


def proposal_prediction_records(shard: dict) -> List[dict]:
    """A shard's proposals in the part prediction format (part_id = rank), for AR."""
    size_of = {img['id']: (img['height'], img['width']) for img in shard['images']}
    class_of = {obj['id']: obj['category_id'] for obj in shard['objects']}
    records = []
    for record in shard['proposals']:
        _, masks = unpack_masks(record)
        x1, y1, x2, y2 = record['box']
        for rank, i in enumerate(np.argsort(-record['scores'], kind='stable')):
            full = np.zeros(size_of[record['image_id']], bool)
            full[y1:y2, x1:x2] = masks[i]
            records.append(
                dict(
                    image_id=record['image_id'],
                    object_id=record['object_id'],
                    category_id=class_of[record['object_id']],
                    part_id=rank,
                    score=float(record['scores'][i]),
                    segmentation=encode_mask(full)))
    return records
