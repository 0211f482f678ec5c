"""GatheredLinear: a linear layer that can compute only some output rows per sample."""
from contextlib import contextmanager
from typing import Iterator, Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class GatheredLinear(nn.Linear):
    """:class:`torch.nn.Linear` that, inside :meth:`gathered`, gives sample ``b``
    only the outputs ``rows[b]``: input ``[B, ..., C]`` -> ``[B, ..., J]``,
    equal to the full output gathered at those rows, without computing (or
    keeping for backward) the others. The rows' weights are gathered once for
    every call inside, so backward scatters them into the full gradient once.
    Weights and state-dict keys are a plain Linear's.
    """

    _rows: Optional[Tensor] = None  # [B, J, C] weights, then [B, J] biases, while gathered
    _bias: Optional[Tensor] = None

    @classmethod
    def from_linear(cls, linear: nn.Linear) -> 'GatheredLinear':
        """The same layer (its parameters, not copies) as a GatheredLinear."""
        layer = cls.__new__(cls)
        nn.Module.__init__(layer)
        layer.in_features, layer.out_features = linear.in_features, linear.out_features
        layer.weight, layer.bias = linear.weight, linear.bias
        return layer

    @contextmanager
    def gathered(self, rows: Tensor) -> Iterator[None]:
        """Calls inside compute the ``[B, J]`` output ``rows`` of each sample only."""
        self._rows = self.weight[rows]
        self._bias = None if self.bias is None else self.bias[rows]
        try:
            yield
        finally:
            self._rows = self._bias = None

    def forward(self, x: Tensor) -> Tensor:
        if self._rows is None:
            return F.linear(x, self.weight, self.bias)
        flat = x.reshape(x.shape[0], -1, x.shape[-1])  # [B, L, C]
        out = torch.bmm(flat, self._rows.transpose(1, 2))  # [B, L, J]
        if self._bias is not None:
            out = out + self._bias[:, None]
        return out.reshape(*x.shape[:-1], self._rows.shape[1])
