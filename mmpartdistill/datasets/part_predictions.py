"""The part prediction format: a COCO-results-style JSON list, one record per part.

Record fields: ``image_id``, ``object_id`` (an object of the objects file),
``category_id`` (its object class), ``part_id`` (cluster index within the
class), ``score`` and ``segmentation`` (RLE).
"""
import json
import math
import os.path as osp
from collections import abc, defaultdict
from typing import Dict, Iterator, List, Mapping, Tuple

import numpy as np
from pycocotools import mask as mask_utils

from .coco_rle import compressed_rle, encode_mask
from .objects_file import AnnotationFormatError, ObjectsFile, shard_files

FIELDS = ('image_id', 'object_id', 'category_id', 'part_id', 'score', 'segmentation')

# object id -> [(part id, score, [H, W] mask)]
PredictionsByObject = Mapping[int, List[Tuple[int, float, np.ndarray]]]


class LazyPredictions(abc.Mapping):
    """Predictions grouped by object, kept as compressed RLE: an object's masks
    are decoded when its entry is read, so a file of many records costs its
    RLE strings in memory, not H x W bytes a record."""

    def __init__(self, records: Dict[int, List[Tuple[int, float, dict]]]) -> None:
        self.records = records

    def __getitem__(self, obj_id: int) -> List[Tuple[int, float, np.ndarray]]:
        return [(part_id, score, mask_utils.decode(rle))
                for part_id, score, rle in self.records[obj_id]]

    def __iter__(self) -> Iterator[int]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


def read_prediction_records(path: str) -> Iterator[Tuple[str, int, object]]:
    """``(file, index, record)`` of a prediction file, or of every ``*.json``
    of a folder of them in name order (their lists one after another)."""
    if osp.isdir(path):
        files = shard_files(path, 'prediction shards')
    elif osp.isfile(path):
        files = [path]
    else:
        raise AnnotationFormatError(f'{path}: prediction file not found')
    for file in files:
        try:
            with open(file) as f:
                records = json.load(f)
        except json.JSONDecodeError as e:
            raise AnnotationFormatError(f'{file}: not valid JSON ({e})') from None
        if not isinstance(records, list):
            raise AnnotationFormatError(f'{file}: must hold a JSON list of part records')
        for index, rec in enumerate(records):
            yield file, index, rec


def load_predictions(path: str, objects: ObjectsFile) -> PredictionsByObject:
    """Read and check a prediction file (or a folder of them) against the
    objects file it refers to; the masks are decoded object by object as
    they are read (LazyPredictions)."""
    grouped: PredictionsByObject = defaultdict(list)
    for file, index, rec in read_prediction_records(path):
        if not isinstance(rec, dict):
            raise AnnotationFormatError(
                f'{file}: record {index} is a {type(rec).__name__}, not a JSON object')
        missing = [key for key in FIELDS if key not in rec]
        if missing:
            raise AnnotationFormatError(f'{file}: record {index} lacks {missing}')
        for key in ('image_id', 'object_id', 'category_id', 'part_id'):
            if isinstance(rec[key], bool) or not isinstance(rec[key], int):
                raise AnnotationFormatError(
                    f'{file}: record {index} has {key} {rec[key]!r}; it must be an integer')
        obj = objects.objects.get(rec['object_id'])
        if obj is None:
            raise AnnotationFormatError(f'{file}: record {index} has object_id {rec["object_id"]}, '
                                        f'which is not an object of {objects.path}')
        if obj['image_id'] != rec['image_id'] or obj['category_id'] != rec['category_id']:
            raise AnnotationFormatError(
                f'{file}: record {index} gives image {rec["image_id"]} / class '
                f'{rec["category_id"]}, but object {obj["id"]} is in image {obj["image_id"]} '
                f'with class {obj["category_id"]}')
        score = rec['score']
        if isinstance(score, bool) or not isinstance(score,
                                                     (int, float)) or not math.isfinite(score):
            raise AnnotationFormatError(
                f'{file}: record {index} has score {score!r}; scores must be finite numbers')
        image = objects.images[obj['image_id']]
        size = rec['segmentation'].get('size') if isinstance(rec['segmentation'], dict) else None
        if size is not None and list(size) != [image['height'], image['width']]:
            raise AnnotationFormatError(
                f'{file}: record {index} has a mask of size {list(size)}, but image '
                f'{obj["image_id"]} is {[image["height"], image["width"]]}')
        try:
            rle = compressed_rle(rec['segmentation'], image['height'], image['width'])
        except ValueError as e:
            raise AnnotationFormatError(f'{file}: record {index}: {e}') from None
        grouped[obj['id']].append((rec['part_id'], float(score), rle))
    return LazyPredictions(dict(grouped))


def instances_to_predictions(pred_instances) -> PredictionsByObject:
    """Group a model's ``pred_instances`` by object.

    ``pred_instances`` is an InstanceData, or the dict MMEngine's evaluator makes
    of one, with ``masks [P, H, W]``, ``scores``, ``part_ids`` and ``object_ids``.
    """
    grouped: PredictionsByObject = defaultdict(list)
    masks = pred_instances.get('masks').cpu().numpy().astype(bool)
    for mask, score, part_id, obj_id in zip(masks,
                                            pred_instances.get('scores').tolist(),
                                            pred_instances.get('part_ids').tolist(),
                                            pred_instances.get('object_ids').tolist()):
        grouped[int(obj_id)].append((int(part_id), float(score), mask))
    return dict(grouped)


def predictions_to_records(predictions: PredictionsByObject, objects: ObjectsFile) -> List[dict]:
    """Prediction records of the file format, with RLE masks."""
    records = []
    for obj_id, parts in predictions.items():
        obj = objects.objects[obj_id]
        for part_id, score, mask in parts:
            records.append(
                dict(
                    image_id=obj['image_id'],
                    object_id=obj_id,
                    category_id=obj['category_id'],
                    part_id=part_id,
                    score=score,
                    segmentation=encode_mask(mask)))
    return records
