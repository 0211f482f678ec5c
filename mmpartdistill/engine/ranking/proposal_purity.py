"""How well stage 3's kept proposals follow the ground-truth parts (evaluation only:
it reads part labels). Tells apart the two ways ranked parts go wrong: proposals
that span several parts, and clusters that split or merge clean proposals."""
from collections import defaultdict
from typing import Dict, Iterable, Mapping

import numpy as np

from ...datasets.parts_file import PartsFile
from ...evaluation.functional.part_purity import cluster_agreement, majority_part, purity_figures
from .part_layout import ranking_features
from .part_selection import kept_proposals
from .proposal_shards import unpack_masks


def proposal_purity(shards: Iterable[dict],
                    parts: PartsFile,
                    centroids: Mapping[int, np.ndarray],
                    top: int = 200,
                    keep_area: float = 0.05,
                    keep_score: float = 0.3,
                    pure: float = 0.8,
                    layout_weight: float = 0.0) -> Dict[int, dict]:
    """Per object class, :func:`purity_figures` of the proposals that
    :func:`kept_proposals` keeps (those on labelled pixels), and
    ``agreement``: of the pure ones, the fraction whose nearest centroid
    (cosine, features of :func:`ranking_features` with ``layout_weight``) is
    the one most pure proposals of the same part take."""
    shares: Dict[int, list] = defaultdict(list)
    clusters: Dict[int, list] = defaultdict(list)  # class -> [(part, cluster)]
    for shard in shards:
        for record in shard['proposals']:
            obj_id = record['object_id']
            cls = parts.objects.objects[obj_id]['category_id']
            obj, masks = unpack_masks(record)
            x1, y1, x2, y2 = record['box']
            labels = parts.part_label_map(obj_id)[y1:y2, x1:x2] * obj
            cents = centroids.get(cls)
            feats = ranking_features(record['feats'], obj, masks, layout_weight)
            for q in kept_proposals(obj, masks, record['scores'], top, keep_area, keep_score):
                found = majority_part(labels[masks[q]])
                if found is None:
                    continue
                shares[cls].append(found[1:])
                if found[1] > pure and cents is not None and len(cents):
                    clusters[cls].append((found[0], int(np.argmax(cents @ feats[q]))))
    return {
        cls: dict(purity_figures(rows, pure), agreement=cluster_agreement(clusters[cls]))
        for cls, rows in shares.items()
    }
