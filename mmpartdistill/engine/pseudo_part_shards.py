"""Shards of stage-1 pseudo parts and their merge into the objects + parts format."""
import glob
import json
import os.path as osp
from typing import Dict, List, Union

from ..datasets.objects_file import AnnotationFormatError
from ..utils import atomic_write_json


def shard_path(out_dir: str, index: int) -> str:
    return osp.join(out_dir, 'shards', f'shard_{index:06d}.json')


def read_shard(path: str) -> dict:
    try:
        with open(path) as f:
            shard = json.load(f)
    except json.JSONDecodeError as e:
        raise AnnotationFormatError(f'{path}: corrupted pseudo-part shard ({e}); delete it '
                                    'and run again to regenerate it') from None
    for key in ('images', 'objects', 'parts'):
        if not isinstance(shard.get(key), list):
            raise AnnotationFormatError(f'{path}: pseudo-part shard lacks the list "{key}"')
    return shard


def merge_shards(
    out_dir: str,
    classes: Dict[int, str],
    num_parts: Union[int, Dict[int, int]],
    name: str = 'pseudo_parts',
    description: str = 'mmpartdistill stage-1 pseudo parts (class-agnostic segments)'
) -> Dict[str, int]:
    """Merge every shard into ``annotations/objects.json``, ``annotations/<name>.json``
    (parts format, one category per object class and part index below its
    ``num_parts``: one K for all classes, or ``{class id: K}``) and
    ``<name>_predictions.json`` (prediction format; a part's ``score`` when
    its shard gives one, else 1), all written atomically."""
    images: List[dict] = []
    objects: List[dict] = []
    parts: List[dict] = []
    for path in sorted(glob.glob(osp.join(out_dir, 'shards', 'shard_*.json'))):
        shard = read_shard(path)
        images += shard['images']
        objects += shard['objects']
        parts += shard['parts']
    class_ids = sorted(classes)
    if isinstance(num_parts, int):
        num_parts = {c: num_parts for c in class_ids}
    owned = [(c, k) for c in class_ids for k in range(num_parts.get(c, 0))]
    category_of = {owner: i for i, owner in enumerate(owned, 1)}
    categories = [
        dict(id=i, name=f'{classes[c]} part{k}', supercategory=classes[c], part_id=k)
        for (c, k), i in category_of.items()
    ]
    class_of = {obj['id']: obj['category_id'] for obj in objects}
    annotations, predictions = [], []
    for ann_id, part in enumerate(parts, 1):
        category = category_of[(class_of[part['object_id']], part['part_id'])]
        annotations.append(dict(part, id=ann_id, category_id=category, iscrowd=0))
        predictions.append(
            dict(
                image_id=part['image_id'],
                object_id=part['object_id'],
                category_id=class_of[part['object_id']],
                part_id=part['part_id'],
                score=part.get('score', 1.0),
                segmentation=part['segmentation']))
    object_cats = [dict(id=c, name=classes[c]) for c in class_ids]
    info = dict(description=description)
    atomic_write_json(
        dict(info=info, images=images, annotations=objects, categories=object_cats),
        osp.join(out_dir, 'annotations', 'objects.json'))
    atomic_write_json(
        dict(info=info, images=images, annotations=annotations, categories=categories),
        osp.join(out_dir, 'annotations', f'{name}.json'))
    atomic_write_json(predictions, osp.join(out_dir, f'{name}_predictions.json'))
    return dict(images=len(images), objects=len(objects), parts=len(parts))
