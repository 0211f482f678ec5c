"""PartLocalVisualizer: MMDetection's visualizer, drawing parts by part id."""
from typing import List, Optional

import numpy as np
import torch
from mmdet.registry import VISUALIZERS
from mmdet.structures.mask import bitmap_to_polygon
from mmdet.visualization import DetLocalVisualizer
from mmengine.structures import InstanceData

from ..datasets.part_palette import part_colour


@VISUALIZERS.register_module()
class PartLocalVisualizer(DetLocalVisualizer):
    """Draws part predictions (instances with ``part_ids``): each part in the
    colour of its part id, so one part of a class has one colour in every
    image, highest-scoring part on top, each object outlined in white and
    named by its class (``object_labels`` into the dataset's classes).

    Anything else, such as the objects in ``gt_instances``, is drawn as
    :class:`DetLocalVisualizer` draws it, so ``add_datasample`` shows the
    objects beside their parts. Takes :class:`DetLocalVisualizer`'s arguments.
    """

    def _draw_instances(self, image: np.ndarray, instances: InstanceData,
                        classes: Optional[List[str]], palette: Optional[list]) -> np.ndarray:
        if 'part_ids' not in instances:
            return super()._draw_instances(image, instances, classes, palette)
        self.set_image(image)
        if len(instances) == 0:
            return self.get_image()
        masks = instances.masks
        masks = (masks.cpu().numpy()
                 if isinstance(masks, torch.Tensor) else np.asarray(masks)).astype(bool)
        order = torch.as_tensor(instances.scores).cpu().argsort().numpy()
        colours = [tuple(int(c) for c in part_colour(int(k))) for k in instances.part_ids]
        self.draw_binary_masks(masks[order], colors=[colours[i] for i in order], alphas=self.alpha)
        object_ids = torch.as_tensor(instances.object_ids).cpu().numpy()
        object_labels = torch.as_tensor(instances.object_labels).cpu().numpy()
        for obj in np.unique(object_ids):
            mine = object_ids == obj
            outline, _ = bitmap_to_polygon(masks[mine].any(0))
            self.draw_polygons(outline, edge_colors='w', alpha=1.0, line_widths=1)
            label = int(object_labels[mine][0])
            ys, xs = np.nonzero(masks[mine].any(0))
            self.draw_texts(
                classes[label] if classes is not None else f'class {label}',
                np.array([xs.min(), ys.min()]),
                colors='w',
                font_sizes=8,
                bboxes=[dict(facecolor='black', alpha=0.6, pad=0.5, edgecolor='none')])
        return self.get_image()
