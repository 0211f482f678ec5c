"""How well stage 3's kept proposals follow the ground-truth parts (evaluation only:
it reads part labels). Tells apart the two ways ranked parts go wrong: proposals
that span several parts, and clusters that split or merge clean proposals."""
from collections import Counter, defaultdict
from typing import Dict, Iterable, Mapping

import numpy as np

from ...datasets.parts_file import PartsFile
from .part_selection import kept_proposals
from .proposal_shards import unpack_masks


def proposal_purity(shards: Iterable[dict],
                    parts: PartsFile,
                    centroids: Mapping[int, np.ndarray],
                    top: int = 200,
                    keep_area: float = 0.05,
                    keep_score: float = 0.3,
                    pure: float = 0.8) -> Dict[int, dict]:
    """Per object class, over the proposals that :func:`kept_proposals` keeps:

    - ``kept``: how many there are (those on labelled pixels);
    - ``purity``: the share of a proposal's labelled pixels in its most common
      ground-truth part, averaged weighted by those pixels;
    - ``pure``: the fraction of proposals whose purity exceeds ``pure``;
    - ``agreement``: of those pure proposals, the fraction whose nearest
      centroid (cosine) is the one most pure proposals of the same part take.
    """
    seen: Dict[int, list] = defaultdict(list)  # class -> [(purity, pixels)]
    clusters: Dict[int, Counter] = defaultdict(Counter)  # class -> (part, cluster) counts
    for shard in shards:
        for record in shard['proposals']:
            obj_id = record['object_id']
            cls = parts.objects.objects[obj_id]['category_id']
            obj, masks = unpack_masks(record)
            x1, y1, x2, y2 = record['box']
            labels = parts.part_label_map(obj_id)[y1:y2, x1:x2] * obj
            cents = centroids.get(cls)
            for q in kept_proposals(obj, masks, record['scores'], top, keep_area, keep_score):
                inside = labels[masks[q]]
                counts = Counter(inside[inside > 0].tolist())
                if not counts:
                    continue
                part, n = counts.most_common(1)[0]
                total = sum(counts.values())
                seen[cls].append((n / total, total))
                if n / total > pure and cents is not None and len(cents):
                    feat = record['feats'][q].astype(np.float32)
                    clusters[cls][(part, int(np.argmax(cents @ feat)))] += 1
    out = {}
    for cls, rows in seen.items():
        share, pixels = np.array(rows).T
        by_part: Dict[int, Counter] = defaultdict(Counter)
        for (part, k), n in clusters[cls].items():
            by_part[part][k] = n
        clean = sum(sum(c.values()) for c in by_part.values())
        out[cls] = dict(
            kept=len(rows),
            purity=float(np.average(share, weights=pixels)),
            pure=float(np.mean(share > pure)),
            agreement=float(sum(max(c.values()) for c in by_part.values()) / clean)
            if clean else float('nan'))
    return out
