"""The object classes of an objects file and the part count of each class in a parts file."""
import json
import os.path as osp
from typing import Dict, Tuple

from .objects_file import AnnotationFormatError, shard_files


class DataClassesError(ValueError):
    """A config's class counts cannot be read from its data, or disagree with it."""


def _read_categories(path: str) -> list:
    """The categories of a file, or of the first shard of a folder (every
    shard lists the same)."""
    if osp.isdir(path):
        try:
            path = shard_files(path)[0]
        except AnnotationFormatError as e:
            raise DataClassesError(str(e)) from None
    try:
        with open(path) as f:
            categories = json.load(f).get('categories')
    except (OSError, json.JSONDecodeError, AttributeError) as e:
        raise DataClassesError(f'{path}: cannot read its categories ({e})') from None
    if not isinstance(categories, list) or not categories:
        raise DataClassesError(f'{path}: has no "categories"; the object classes come from them')
    for cat in categories:
        if not isinstance(cat, dict) or not isinstance(cat.get('id'), int) or 'name' not in cat:
            raise DataClassesError(f'{path}: category {cat!r} needs an integer "id" and a "name"')
    return categories


def object_classes_of(objects_file: str) -> Tuple[Tuple[int, ...], Tuple[str, ...]]:
    """Category ids and names of an objects file, in id order."""
    categories = sorted(_read_categories(objects_file), key=lambda c: c['id'])
    return tuple(c['id'] for c in categories), tuple(str(c['name']) for c in categories)


def parts_per_class_of(parts_file: str, class_names: Tuple[str, ...]) -> Tuple[int, ...]:
    """K of each object class (by name, in order): one more than the largest
    ``part_id`` of the part categories whose ``supercategory`` it is."""
    counts: Dict[str, int] = {name: 0 for name in class_names}
    for cat in _read_categories(parts_file):
        owner, k = cat.get('supercategory'), cat.get('part_id')
        if owner not in counts:
            raise DataClassesError(f'{parts_file}: part category {cat["id"]} has supercategory '
                                   f'{owner!r}, not a class of its objects file')
        if not isinstance(k, int) or k < 0:
            raise DataClassesError(f'{parts_file}: part category {cat["id"]} has part_id {k!r}; '
                                   'class-specific parts need an integer part_id >= 0')
        counts[owner] = max(counts[owner], k + 1)
    return tuple(counts[name] for name in class_names)
