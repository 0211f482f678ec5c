"""ScaledL2Norm: unit-length vectors times a learnt scale."""
import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ScaledL2Norm(nn.Module):
    """``scale * x / |x|`` over the last dimension, ``scale`` learnt (kept as its log).

    Args:
        scale: initial scale.
    """

    def __init__(self, scale: float = 10.0) -> None:
        super().__init__()
        if scale <= 0:
            raise ValueError(f'ScaledL2Norm: scale must be > 0, got {scale}')
        self.log_scale = nn.Parameter(torch.tensor(math.log(scale)))

    def forward(self, x: Tensor) -> Tensor:
        return F.normalize(x, dim=-1) * self.log_scale.exp()
