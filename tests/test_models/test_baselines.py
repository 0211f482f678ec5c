import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.structures import InstanceData

from mmpartdistill.models import AxisBandsBaseline, ColorKMeansBaseline
from mmpartdistill.models.baselines.axis_bands import principal_axis_bands


def test_axis_bands_split_a_bar_into_equal_bands():
    mask = torch.zeros(20, 40, dtype=torch.bool)
    mask[8:12, :] = True
    labels = principal_axis_bands(mask, 4)
    assert (labels[~mask] == -1).all()
    assert torch.bincount(labels[mask]).tolist() == [40, 40, 40, 40]
    columns = labels[10]
    assert (columns.diff().abs() <= 1).all(), 'bands are contiguous along the axis'


def test_axis_bands_orientation_follows_the_longer_tail():
    mask = torch.zeros(30, 30, dtype=torch.bool)
    mask[10:20, 0:20] = True
    mask[14:16, 20:30] = True  # a thin tail to the right
    labels = principal_axis_bands(mask, 2)
    assert labels[15, 29] == 1 and labels[15, 0] == 0


def sample_with(masks, object_ids):
    sample = DetDataSample(
        metainfo=dict(
            img_shape=masks.shape[1:],
            ori_shape=masks.shape[1:],
            object_ids=object_ids,
            img_path='x.png'))
    sample.gt_instances = InstanceData(
        masks=BitmapMasks(masks, *masks.shape[1:]), labels=torch.arange(len(masks)))
    return sample


def test_colour_kmeans_separates_colours_and_names_objects():
    image = torch.zeros(3, 10, 10)
    image[0, :, :5] = 255  # red left, blue right
    image[2, :, 5:] = 255
    image += torch.rand(3, 10, 10)
    masks = np.zeros((2, 10, 10), np.uint8)
    masks[0, :, :] = 1
    masks[1, :2, :2] = 1
    model = ColorKMeansBaseline(num_parts=2)
    out = model(image[None], [sample_with(masks, [41, 42])])[0].pred_instances
    assert set(out.object_ids.tolist()) == {41, 42}
    first = out.masks[out.object_ids == 41]
    assert len(first) == 2
    assert any(bool(m[:, :5].all() and not m[:, 5:].any()) for m in first)


def test_parts_cover_object_and_stay_inside():
    masks = np.zeros((1, 16, 16), np.uint8)
    masks[0, 3:13, 2:15] = 1
    model = AxisBandsBaseline(num_parts=3)
    out = model(torch.rand(1, 3, 16, 16) * 255, [sample_with(masks, [5])])[0].pred_instances
    union = out.masks.any(0).numpy()
    assert (union == masks[0].astype(bool)).all()
    assert out.masks.sum(0).max() == 1
    assert sorted(out.part_ids.tolist()) == [0, 1, 2]


def test_baselines_refuse_training_and_resized_input():
    model = AxisBandsBaseline(num_parts=2)
    with pytest.raises(ValueError, match='training-free'):
        model(torch.zeros(1, 3, 4, 4), [], mode='loss')
    sample = sample_with(np.ones((1, 4, 4), np.uint8), [1])
    sample.set_metainfo(dict(ori_shape=(8, 8)))
    with pytest.raises(ValueError, match='without Resize'):
        model(torch.zeros(1, 3, 4, 4), [sample])
