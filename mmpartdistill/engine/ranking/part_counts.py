"""Label-free K per object class: as many parts as the class's objects show.

Clustered with the authors' K=8, every object of the fit split is labelled
(:func:`label_object`, the rule stage 3 labels with) and its distinct part
clusters counted. Over-clustering spreads one part over several clusters
from object to object, but within one object a part mostly takes one
cluster, so the mean count over the objects with parts estimates how many
parts the class has; K of the class is that mean, rounded, at least 1.
"""
from typing import Dict, Iterable, Tuple

import numpy as np

from .part_selection import labelled_objects


def parts_shown_per_object(shards: Iterable[dict], centroids: Dict[int, np.ndarray],
                           temperature: float, top: int, part_area: float,
                           part_score: float,
                           layout_weight: float = 0.0) -> Dict[int, Tuple[int, int]]:
    """``{class id: (objects with parts, distinct part clusters summed over them)}``."""
    counts: Dict[int, Tuple[int, int]] = {}
    for shard in shards:
        class_of = {obj['id']: obj['category_id'] for obj in shard['objects']}
        for record, parts in labelled_objects(shard, centroids, temperature, top, part_area,
                                              part_score, layout_weight):
            shown = {k for k, _, _ in parts}
            if shown:
                c = class_of[record['object_id']]
                objects, total = counts.get(c, (0, 0))
                counts[c] = (objects + 1, total + len(shown))
    return counts


def part_counts(shown: Dict[int, Tuple[int, int]], max_parts: int) -> Dict[int, int]:
    """K of each class: its mean distinct clusters per object, rounded, in 1..max_parts."""
    return {
        c: int(min(max_parts, max(1, np.floor(parts / objects + 0.5))))
        for c, (objects, parts) in shown.items()
    }


def group_by_count(counts: Dict[int, int]) -> Dict[int, list]:
    """``{K: [classes with that K]}``, to cluster each group in one call."""
    groups: Dict[int, list] = {}
    for c, k in sorted(counts.items()):
        groups.setdefault(k, []).append(c)
    return groups
