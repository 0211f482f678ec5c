"""Pairwise IoU of boolean masks."""
from torch import Tensor


def mask_iou(masks: Tensor) -> Tensor:
    """``[N, N]`` IoU of ``[N, H, W]`` boolean masks."""
    flat = masks.flatten(1).float()
    inter = flat @ flat.T
    area = flat.sum(1)
    return inter / (area[:, None] + area[None] - inter).clamp(min=1)
