"""PartLocalVisualizer: parts in their part id's colour beside the objects, outlines."""
import numpy as np
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from mmpartdistill.visualization import PartLocalVisualizer, part_colour


def sample_with_parts():
    obj = torch.zeros(40, 60, dtype=torch.bool)
    obj[10:30, 10:50] = True
    left, right = obj.clone(), obj.clone()
    left[:, 30:] = False
    right[:, :30] = False
    sample = DetDataSample()
    sample.gt_instances = InstanceData(
        masks=obj[None], labels=torch.tensor([1]), bboxes=torch.tensor([[10., 10., 50., 30.]]))
    sample.pred_instances = InstanceData(
        masks=torch.stack([left, right]),
        scores=torch.tensor([0.9, 0.6]),
        part_ids=torch.tensor([2, 0]),
        object_ids=torch.tensor([7, 7]),
        object_labels=torch.tensor([1, 1]),
        labels=torch.tensor([6, 4]))
    return sample


def test_parts_in_part_id_colours_beside_the_objects():
    visualizer = PartLocalVisualizer(name='test_part_local_visualizer', alpha=0.5)
    visualizer.dataset_meta = dict(classes=('lamp', 'mug'))
    image = np.full((40, 60, 3), 100, np.uint8)
    visualizer.add_datasample('x', image, sample_with_parts(), pred_score_thr=0.0)
    drawn = visualizer.get_image()
    assert drawn.shape == (40, 120, 3), 'objects (left) beside their parts (right)'
    parts = drawn[:, 60:]
    for part_id, (y, x) in ((2, (22, 20)), (0, (22, 40))):
        want = 0.5 * 100 + 0.5 * part_colour(part_id)
        assert np.abs(parts[y, x].astype(float) - want).max() <= 2, part_id
    assert (parts[5, 5] == 100).all(), 'outside the object the image is untouched'
    assert (parts[10:31, 10:51] == 255).all(-1).any(), 'the object is outlined in white'


def test_instances_without_part_ids_are_drawn_as_mmdet_draws_them():
    visualizer = PartLocalVisualizer(name='test_part_local_visualizer_plain')
    visualizer.dataset_meta = dict(classes=('lamp', 'mug'))
    sample = sample_with_parts()
    del sample.pred_instances
    visualizer.add_datasample('x', np.full((40, 60, 3), 100, np.uint8), sample, draw_pred=False)
    assert visualizer.get_image().shape == (40, 60, 3)
