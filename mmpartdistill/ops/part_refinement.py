"""Edge-aware refinement of part segments: a dense CRF over local windows.

Mean-field inference of a fully connected CRF (Potts compatibility, a
bilateral appearance kernel and a smoothness kernel, as in Krähenbühl and
Koltun's dense CRF) with pairwise terms limited to a local window, as
ConvCRF does. Plain torch, so it runs on CPU and GPU alike and needs no
compiled dependency; on segments the size of object parts, the window
covers the interactions that matter.
"""
import math

import torch
import torch.nn.functional as F


def _window_offsets(window: int, device) -> torch.Tensor:
    r = torch.arange(window, device=device, dtype=torch.float32) - window // 2
    return torch.stack(torch.meshgrid(r, r, indexing='ij')).flatten(1)  # [2, w*w]


def object_box(inside: torch.Tensor) -> tuple:
    """``(y0, y1, x0, x1)``, the end-exclusive box of a non-empty ``[H, W]`` mask."""
    ys, xs = torch.nonzero(inside, as_tuple=True)
    return int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1


def refine_part_labels(image: torch.Tensor,
                       labels: torch.Tensor,
                       num_parts: int,
                       iters: int = 10,
                       window: int = 7,
                       sxy: float = 3.0,
                       srgb: float = 13.0,
                       appearance_weight: float = 10.0,
                       smoothness_weight: float = 3.0,
                       sxy_smooth: float = 1.0,
                       label_confidence: float = 0.7) -> torch.Tensor:
    """Refined part labels of one object (``-1`` outside it).

    Args:
        image: ``[3, H, W]`` colours in 0-255.
        labels: ``[H, W]`` part index per pixel of the object, -1 outside.
        num_parts: number of part labels.
        iters: mean-field iterations (the authors run 10).
        window: side of the local window of pairwise terms.
        sxy, srgb, appearance_weight: bilateral kernel (position and colour).
        sxy_smooth, smoothness_weight: position-only smoothness kernel.
        label_confidence: probability the unary gives the initial label.
    """
    inside = labels >= 0
    if num_parts < 2 or not inside.any():
        return labels
    pad = window // 2
    y0, y1, x0, x1 = object_box(inside)
    crop_labels = labels[y0:y1, x0:x1]
    crop_inside = inside[y0:y1, x0:x1].float()
    h, w = crop_labels.shape
    rest = (1 - label_confidence) / (num_parts - 1)
    prob = torch.full((num_parts, h, w), rest, device=labels.device)
    prob.scatter_(0, crop_labels.clamp_min(0)[None], label_confidence)
    unary = prob.log()

    def neighbours(t: torch.Tensor) -> torch.Tensor:  # [C, h, w] -> [C, window^2, h*w]
        return F.unfold(t[None], window, padding=pad)[0].view(t.shape[0], window * window, h * w)

    colours = image[:, y0:y1, x0:x1].float()
    colour_dist = ((neighbours(colours) - colours.flatten(1)[:, None])**2).sum(0)
    position_dist = (_window_offsets(window, labels.device)**2).sum(0)[:, None]
    kernel = (
        appearance_weight * torch.exp(-position_dist / (2 * sxy**2) - colour_dist / (2 * srgb**2)) +
        smoothness_weight * torch.exp(-position_dist / (2 * sxy_smooth**2)))
    kernel = kernel * neighbours(crop_inside[None])[0]  # only pixels of the object interact
    kernel[window * window // 2] = 0  # no message to itself
    q = torch.softmax(unary, 0) * crop_inside
    for _ in range(iters):
        message = (neighbours(q) * kernel).sum(1).view(num_parts, h, w)
        q = torch.softmax(unary + message, 0) * crop_inside
    out = labels.clone()
    out[y0:y1, x0:x1] = torch.where(crop_inside.bool(), q.argmax(0), crop_labels)
    return out


def drop_small_parts(labels: torch.Tensor, min_fraction: float) -> torch.Tensor:
    """Unlabel (-1) the parts covering less than ``min_fraction`` of the object."""
    inside = labels >= 0
    area = int(inside.sum())
    if area == 0:
        return labels
    counts = torch.bincount(labels[inside])
    small = torch.nonzero(counts < math.ceil(min_fraction * area)).flatten()
    return torch.where(torch.isin(labels, small), torch.full_like(labels, -1), labels)
