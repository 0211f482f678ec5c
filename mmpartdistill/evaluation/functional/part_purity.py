"""How pure segments are against the ground-truth parts (evaluation: reads part labels)."""
from collections import Counter, defaultdict
from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np

from ...datasets.parts_file import PartsFile


def majority_part(labels: np.ndarray) -> Optional[Tuple[int, float, int]]:
    """``(part, share, pixels)``: the most common part id among a segment's
    labelled pixels (ids > 0), its share of them and their count; None when
    the segment covers no labelled pixel."""
    counts = Counter(labels[labels > 0].tolist())
    if not counts:
        return None
    part, n = counts.most_common(1)[0]
    total = sum(counts.values())
    return part, n / total, total


def purity_figures(shares: List[Tuple[float, int]], pure: float) -> dict:
    """``kept`` (segments), ``purity`` (pixel-weighted mean share) and
    ``pure`` (fraction with a share above ``pure``) of ``(share, pixels)`` pairs."""
    share, pixels = np.array(shares, np.float64).reshape(-1, 2).T
    return dict(
        kept=len(shares),
        purity=float(np.average(share, weights=pixels)),
        pure=float(np.mean(share > pure)))


def segment_purity(segments: PartsFile, truth: PartsFile, pure: float = 0.8) -> Dict[int, dict]:
    """:func:`purity_figures` per object class of every segment of a parts
    file (stage-1 pseudo parts, stage-3 ranked parts, predictions), against
    the ground-truth parts of the same objects."""
    shares: Dict[int, list] = defaultdict(list)
    for obj_id, obj in truth.objects.objects.items():
        if not segments.parts_by_object.get(obj_id):
            continue
        labels = truth.part_label_map(obj_id)
        for mask in segments.part_masks(obj_id):
            found = majority_part(labels[mask > 0])
            if found is not None:
                shares[obj['category_id']].append(found[1:])
    return {cls: purity_figures(rows, pure) for cls, rows in shares.items()}


def cluster_agreement(pairs: Iterable[Tuple[int, int]]) -> float:
    """Of ``(part, cluster)`` pairs, the fraction whose cluster is the one
    most pairs of the same part take (nan for none)."""
    by_part: Dict[int, Counter] = defaultdict(Counter)
    for part, k in pairs:
        by_part[part][k] += 1
    total = sum(sum(c.values()) for c in by_part.values())
    return sum(max(c.values()) for c in by_part.values()) / total if total else float('nan')
