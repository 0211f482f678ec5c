"""Where a proposal lies in its object, as a feature stage 3 can cluster with.

The query embedding says what a proposal looks like, not where in its
object it is; two parts of a class that look alike (a humanoid's arms and
legs, an airplane's wings and tail) share clusters. The layout of a
proposal is the offset of its centre from its object's centre, along x and
y, in units of the object's own spread (the standard deviation of its
pixel coordinates), so that it does not depend on the object's size. x
enters as ``|dx|``: objects face either way, and a part on the left of one
object is on the right of its mirror image. No label is read.
"""
import numpy as np

# the mean of |x| / std of a normal variable, sqrt(2 / pi): |dx| is centred
# on it, so that neither layout axis adds a constant to every cosine
MEAN_ABS_OFFSET = float(np.sqrt(2 / np.pi))


def part_layout(object_mask: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """``[P, 2]`` layout ``(|dx| - sqrt(2/pi), dy)`` of each proposal's pixels
    inside ``object_mask [h, w]`` (``masks [P, h, w]``), each clipped to
    [-2, 2]; a proposal with no pixel in the object is at the centre."""
    ys, xs = np.nonzero(object_mask)
    if not len(ys):
        return np.zeros((len(masks), 2), np.float32)
    cy, cx = ys.mean(), xs.mean()
    sy, sx = max(ys.std(), 1.0), max(xs.std(), 1.0)
    inside = (masks & object_mask).reshape(len(masks), object_mask.size).astype(np.float32)
    area = inside.sum(1)
    grid_y, grid_x = np.indices(object_mask.shape, dtype=np.float32)
    my = inside @ grid_y.ravel() / np.maximum(area, 1)
    mx = inside @ grid_x.ravel() / np.maximum(area, 1)
    layout = np.stack([np.abs(mx - cx) / sx - MEAN_ABS_OFFSET, (my - cy) / sy], 1)
    layout[area == 0] = 0
    return np.clip(layout, -2, 2).astype(np.float32)


def ranking_features(feats: np.ndarray, object_mask: np.ndarray, masks: np.ndarray,
                     layout_weight: float = 0.0) -> np.ndarray:
    """``[P, D]`` features stage 3 clusters and labels with: the proposals'
    features ``feats``, and with ``layout_weight > 0`` their concatenation
    with ``layout_weight`` x :func:`part_layout`, L2-normalised (``[P, D + 2]``)."""
    feats = feats.astype(np.float32)
    if layout_weight == 0:
        return feats
    joint = np.concatenate([feats, layout_weight * part_layout(object_mask, masks)], 1)
    return joint / np.maximum(np.linalg.norm(joint, axis=1, keepdims=True), 1e-12)
