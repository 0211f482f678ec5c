"""Shards of stage-1 pseudo parts and their merge into the objects + parts format."""
import glob
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Union

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


def merge_shards(out_dir: str,
                 classes: Dict[int, str],
                 num_parts: Union[int, Dict[int, int]],
                 name: str = 'pseudo_parts',
                 description: str = 'mmpartdistill stage-1 pseudo parts (class-agnostic segments)',
                 images_per_file: Optional[int] = None) -> Dict[str, int]:
    """Merge every shard into ``annotations/objects.json``, ``annotations/<name>.json``
    (parts format, one category per object class and part index below its
    ``num_parts``: one K for all classes, or ``{class id: K}``) and
    ``<name>_predictions.json`` (prediction format; a part's ``score`` when
    its shard gives one, else 1), all written atomically.

    With ``images_per_file`` the three are folders instead
    (``annotations/objects/``, ``annotations/<name>/``, ``<name>_predictions/``)
    of numbered files of about that many images each (whole shards), which
    every reader takes as the one file (docs/formats.md); each is written as
    soon as its shards are read, so memory holds one file's records, not the
    split's."""
    class_ids = sorted(classes)
    if isinstance(num_parts, int):
        num_parts = {c: num_parts for c in class_ids}
    owned = [(c, k) for c in class_ids for k in range(num_parts.get(c, 0))]
    category_of = {owner: i for i, owner in enumerate(owned, 1)}
    part_cats = [
        dict(id=i, name=f'{classes[c]} part{k}', supercategory=classes[c], part_id=k)
        for (c, k), i in category_of.items()
    ]
    object_cats = [dict(id=c, name=classes[c]) for c in class_ids]
    info = dict(description=description)
    paths = OutputPaths(out_dir, name, images_per_file is not None)
    counts = dict(images=0, objects=0, parts=0)
    group: Dict[str, List[dict]] = dict(images=[], objects=[], parts=[])

    def flush() -> None:
        class_of = {obj['id']: obj['category_id'] for obj in group['objects']}
        annotations, predictions = [], []
        for ann_id, part in enumerate(group['parts'], counts['parts'] + 1):
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
        objects_path, parts_path, predictions_path = paths.next_files()
        atomic_write_json(
            dict(info=info, images=group['images'], annotations=group['objects'],
                 categories=object_cats), objects_path)
        atomic_write_json(
            dict(info=info, images=group['images'], annotations=annotations,
                 categories=part_cats), parts_path)
        atomic_write_json(predictions, predictions_path)
        for key in counts:
            counts[key] += len(group[key])
            group[key] = []

    for path in sorted(glob.glob(osp.join(out_dir, 'shards', 'shard_*.json'))):
        shard = read_shard(path)
        for key in group:
            group[key] += shard[key]
        if images_per_file is not None and len(group['images']) >= images_per_file:
            flush()
    if group['images'] or not paths.written:
        flush()
    paths.remove_stale()
    return counts


class OutputPaths:
    """The numbered output files of a merge (or the one file of each kind)."""

    def __init__(self, out_dir: str, name: str, folders: bool) -> None:
        self.kinds = [
            osp.join(out_dir, 'annotations', 'objects'),
            osp.join(out_dir, 'annotations', name),
            osp.join(out_dir, f'{name}_predictions')
        ]
        self.folders, self.written = folders, []

    def next_files(self) -> List[str]:
        if self.folders:
            files = [osp.join(kind, f'{len(self.written):06d}.json') for kind in self.kinds]
        else:
            files = [kind + '.json' for kind in self.kinds]
        self.written.append(files)
        return files

    def remove_stale(self) -> None:
        """Files of an earlier merge into more files than this one."""
        if self.folders:
            keep = {path for files in self.written for path in files}
            for kind in self.kinds:
                for path in glob.glob(osp.join(kind, '*.json')):
                    if path not in keep:
                        os.remove(path)
