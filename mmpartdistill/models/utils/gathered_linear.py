"""GatheredLinear: a linear layer that can compute only some output rows per sample."""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class GatheredLinear(nn.Linear):
    """:class:`torch.nn.Linear` whose forward, while :attr:`rows` is set to a
    ``[B, J]`` index, gives sample ``b`` only the outputs ``rows[b]``: input
    ``[B, ..., C]`` -> ``[B, ..., J]``, equal to the full output gathered at
    those rows, without computing (or keeping for backward) the others.
    Weights and state-dict keys are a plain Linear's.
    """

    rows: Optional[Tensor] = None

    @classmethod
    def from_linear(cls, linear: nn.Linear) -> 'GatheredLinear':
        """The same layer (its parameters, not copies) as a GatheredLinear."""
        layer = cls.__new__(cls)
        nn.Module.__init__(layer)
        layer.in_features, layer.out_features = linear.in_features, linear.out_features
        layer.weight, layer.bias = linear.weight, linear.bias
        return layer

    def forward(self, x: Tensor) -> Tensor:
        if self.rows is None:
            return F.linear(x, self.weight, self.bias)
        rows = self.rows
        flat = x.reshape(x.shape[0], -1, x.shape[-1])  # [B, L, C]
        out = torch.bmm(flat, self.weight[rows].transpose(1, 2))  # [B, L, J]
        if self.bias is not None:
            out = out + self.bias[rows][:, None]
        return out.reshape(*x.shape[:-1], rows.shape[1])
