"""Part labels of a split from a PartDistillation model's own predictions."""
from typing import Dict, Optional, Sequence

import numpy as np

from ...datasets.coco_rle import mask_to_coco_fields
from ...utils import atomic_write_json
from ...utils.manifest import dataset_fingerprint
from ...utils.rank_zero import on_rank_zero
from ..pseudo_part_shards import merge_shards, shard_path
from ..sample_records import add_image_and_objects
from ..sharded_inference import add_predictions, sharded_inference


def add_predicted_parts(shard: Dict[str, list], sample, dataset, min_score: float) -> None:
    """The sample's image, objects and predicted parts (score above ``min_score``)."""
    add_image_and_objects(sample, dataset, shard)
    parts = sample.pred_instances
    for mask, score, part_id, obj_id in zip(parts.masks.cpu().numpy(), parts.scores.tolist(),
                                            parts.part_ids.tolist(), parts.object_ids.tolist()):
        if score > min_score and mask.any():
            shard['parts'].append(
                dict(
                    image_id=sample.img_id,
                    object_id=int(obj_id),
                    part_id=int(part_id),
                    score=float(score),
                    **mask_to_coco_fields(np.asarray(mask, bool))))


def write_prediction_labels(model,
                            dataset,
                            out_dir: str,
                            parts_per_class: Sequence[int],
                            min_score: float = 0.0,
                            shard_size: int = 32,
                            batch_size: int = 4,
                            num_workers: Optional[int] = None,
                            images_per_file: Optional[int] = None) -> Dict[str, int]:
    """Label every object of ``dataset`` with ``model``'s parts; writes
    ``out_dir/annotations/{objects,ranked_parts}.json`` as stage 3 does, with
    ``parts_per_class`` part categories for the classes in id order."""
    sharded_inference(
        model,
        dataset,
        shard_size,
        batch_size,
        path_of=lambda j: shard_path(out_dir, j),
        start_shard=lambda: dict(images=[], objects=[], parts=[]),
        process_batch=add_predictions(
            model, lambda shard, sample: add_predicted_parts(shard, sample, dataset, min_score)),
        write_shard=atomic_write_json,
        what=f'self-training labels in {out_dir}',
        manifest=dict(
            dataset_fingerprint(dataset),
            parts_per_class=list(parts_per_class),
            min_score=min_score),
        num_workers=num_workers)
    return on_rank_zero(lambda: merge_shards(
        out_dir,
        dict(zip(dataset.cat_ids, dataset.metainfo['classes'])),
        dict(zip(sorted(dataset.cat_ids), parts_per_class)),
        name='ranked_parts',
        description='mmpartdistill self-training labels (a PartDistillation model\'s parts)',
        images_per_file=images_per_file)
                        ) or {}
