"""Which proposals of an object feed the part clusters, and how a labelled object is painted."""
from typing import Dict, Iterator, List, Tuple

import numpy as np

from .part_layout import ranking_features
from .proposal_shards import unpack_masks


def paint_by_score(object_mask: np.ndarray, masks: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """``[h, w]`` index of the proposal with the highest score covering each
    object pixel (-1 where none does)."""
    winner = np.full(object_mask.shape, -1, np.int64)
    for i in np.argsort(-scores, kind='stable'):
        take = masks[i] & object_mask & (winner < 0)
        winner[take] = i
    return winner


def kept_proposals(object_mask: np.ndarray, masks: np.ndarray, scores: np.ndarray, top: int,
                   min_area: float, min_score: float) -> np.ndarray:
    """The authors' rule: among the ``top`` best proposals, each object pixel goes
    to the highest-scoring one covering it; keep those that win more than
    ``min_area`` of the object and score more than ``min_score``."""
    order = np.argsort(-scores, kind='stable')[:top]
    winner = paint_by_score(object_mask, masks[order], scores[order])
    won = np.bincount(winner[winner >= 0], minlength=len(order))
    keep = (won > min_area * max(int(object_mask.sum()), 1)) & (scores[order] > min_score)
    return order[keep]


def class_part_scores(fg: np.ndarray, feats: np.ndarray, centroids: np.ndarray,
                      temperature: float) -> np.ndarray:
    """``score(q, k) = P_fg(q) * softmax_k(cos(f_q, C_k) / temperature)``, ``[Q, K]``."""
    logits = feats.astype(np.float32) @ centroids.T.astype(np.float32) / temperature
    logits -= logits.max(1, keepdims=True)
    prob = np.exp(logits)
    prob /= prob.sum(1, keepdims=True)
    return fg[:, None] * prob


def label_object(object_mask: np.ndarray, masks: np.ndarray, part_scores: np.ndarray, top: int,
                 min_area: float, min_score: float) -> List[Tuple[int, float, np.ndarray]]:
    """Class-specific parts of one object from its proposals' ``[Q, K]`` scores.

    The ``top`` best (query, cluster) pairs compete per pixel (score of the
    pair where the query's mask covers the pixel); pixels of the same cluster
    are merged into one part, scored by the mean of its pixels' winning
    scores; parts covering at most ``min_area`` of the object or scoring at
    most ``min_score`` are dropped. Returns ``(cluster, score, mask)``.
    """
    num_q, num_k = part_scores.shape
    flat = part_scores.ravel()
    pairs = np.argsort(-flat, kind='stable')[:top]
    queries, clusters = pairs // num_k, pairs % num_k
    winner = paint_by_score(object_mask, masks[queries], flat[pairs])
    area = max(int(object_mask.sum()), 1)
    parts = []
    for k in np.unique(clusters[winner[winner >= 0]]):
        mask = (winner >= 0) & (clusters[np.maximum(winner, 0)] == k)
        score = float(flat[pairs][winner[mask]].mean())
        if mask.sum() > min_area * area and score > min_score:
            parts.append((int(k), score, mask))
    return parts


def labelled_objects(shard: dict,
                     centroids: Dict[int, np.ndarray],
                     temperature: float,
                     top: int,
                     part_area: float,
                     part_score: float,
                     layout_weight: float = 0.0
                     ) -> Iterator[Tuple[dict, List[Tuple[int, float, np.ndarray]]]]:
    """Each proposal record of a shard whose class has centroids, with its
    object's parts (:func:`label_object`, masks within the record's box;
    features of :func:`ranking_features` with ``layout_weight``)."""
    class_of = {obj['id']: obj['category_id'] for obj in shard['objects']}
    for record in shard['proposals']:
        cents = centroids.get(class_of[record['object_id']])
        if cents is None or not len(cents) or not len(record['scores']):
            continue
        obj, masks = unpack_masks(record)
        feats = ranking_features(record['feats'], obj, masks, layout_weight)
        scores = class_part_scores(record['scores'], feats, cents, temperature)
        yield record, label_object(obj, masks, scores, top, part_area, part_score)
