"""The authors' refinement of part segments: Krähenbühl and Koltun's fully connected CRF.

Mean-field inference over every pair of pixels of the object's box, with
the permutohedral-lattice filtering of ``pydensecrf`` (PyPI: pydensecrf2).
Pixels outside the object take one more label of their own with a certain
unary, and that label exchanges no messages: parts interact as in the Potts
model, pixels beyond the object never pull a part over its edge nor draw
the object's pixels out of every part, as in the windowed CRF of
:mod:`.part_refinement`.
"""
import importlib.util

import numpy as np
import torch

from .part_refinement import object_box

# the authors' kernels: bilateral sxy 20 and compat 10, Gaussian compat 3
AUTHORS_KERNELS = dict(
    bilateral_sxy=20.0, bilateral_srgb=13.0, bilateral_compat=10.0, gaussian_sxy=3.0,
    gaussian_compat=3.0)
CERTAIN = 1e-4  # probability of the labels a pixel cannot take


def dense_crf_available() -> bool:
    """Whether pydensecrf (PyPI: pydensecrf2) is importable."""
    return importlib.util.find_spec('pydensecrf') is not None


def require_dense_crf():
    """The ``pydensecrf.densecrf`` module; ImportError saying how to get it."""
    if not dense_crf_available():
        raise ImportError("crf='dense' needs pydensecrf: pip install pydensecrf2 (it compiles "
                          "Krähenbühl's C++ code), or set crf='windowed' for the torch CRF")
    import pydensecrf.densecrf as dcrf
    return dcrf


def refine_part_labels_dense(image: torch.Tensor,
                             labels: torch.Tensor,
                             num_parts: int,
                             iters: int = 10,
                             bilateral_sxy: float = 20.0,
                             bilateral_srgb: float = 13.0,
                             bilateral_compat: float = 10.0,
                             gaussian_sxy: float = 3.0,
                             gaussian_compat: float = 3.0,
                             label_confidence: float = 0.7) -> torch.Tensor:
    """Refined part labels of one object (``-1`` outside it), on the CPU.

    Args:
        image: ``[3, H, W]`` colours in 0-255 (RGB or BGR: the kernel is symmetric).
        labels: ``[H, W]`` part index per pixel of the object, -1 outside.
        num_parts: number of part labels.
        iters: mean-field iterations (the authors run 10).
        bilateral_sxy, bilateral_srgb, bilateral_compat: appearance kernel.
        gaussian_sxy, gaussian_compat: smoothness kernel.
        label_confidence: probability the unary gives the initial label.
    """
    inside = labels >= 0
    if num_parts < 2 or not inside.any():
        return labels
    dcrf = require_dense_crf()
    y0, y1, x0, x1 = object_box(inside)
    crop = labels[y0:y1, x0:x1].cpu().numpy()
    crop_inside = crop >= 0
    h, w = crop.shape
    outside = num_parts  # the extra label of the pixels beyond the object

    def beside_the_object(weight: float) -> np.ndarray:
        # Potts among the parts (pydensecrf's Potts(w) is the diagonal -w); the
        # outside label sends and takes no message, so pixels beyond the
        # object neither pull nor push any part
        return np.array([-weight] * num_parts + [0.0], np.float32)
    rest = (1 - label_confidence - CERTAIN) / (num_parts - 1)
    prob = np.full((num_parts + 1, h, w), rest, dtype=np.float32)
    prob[outside] = CERTAIN
    np.put_along_axis(prob, np.where(crop_inside, crop, outside)[None], label_confidence, 0)
    prob[:, ~crop_inside] = CERTAIN
    prob[outside, ~crop_inside] = 1 - num_parts * CERTAIN
    rgb = np.ascontiguousarray(
        image[:, y0:y1, x0:x1].permute(1, 2, 0).clamp(0, 255).to(torch.uint8).cpu().numpy())
    crf = dcrf.DenseCRF2D(w, h, num_parts + 1)
    crf.setUnaryEnergy(np.ascontiguousarray(-np.log(prob).reshape(num_parts + 1, -1)))
    crf.addPairwiseGaussian(sxy=gaussian_sxy, compat=beside_the_object(gaussian_compat))
    crf.addPairwiseBilateral(
        sxy=bilateral_sxy, srgb=bilateral_srgb, rgbim=rgb,
        compat=beside_the_object(bilateral_compat))
    q = np.asarray(crf.inference(iters), dtype=np.float32).reshape(num_parts + 1, h, w)
    refined = torch.from_numpy(q[:num_parts].argmax(0)).to(labels)
    out = labels.clone()
    out[y0:y1, x0:x1] = torch.where(torch.from_numpy(crop_inside).to(labels.device), refined,
                                    labels[y0:y1, x0:x1])
    return out
