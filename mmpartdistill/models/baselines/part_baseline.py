"""Shared data flow of the training-free part baselines."""
from typing import List, Optional

import torch
from mmdet.structures import DetDataSample
from mmdet.structures.mask import mask2bbox
from mmengine.model import BaseModel
from mmengine.structures import InstanceData


class PartBaseline(BaseModel):
    """Splits each ground-truth object mask into parts without learning.

    Subclasses implement :meth:`split_objects`; this class turns its label
    maps into ``pred_instances`` of the evaluated data samples: ``masks``,
    ``bboxes``, ``scores``, ``labels`` (``c * K + k`` for part k of an object
    of class c, as PartDistillationDetector labels them), ``part_ids``,
    ``object_ids`` and ``object_labels``. Images must reach the model at their original
    size (no Resize in the test pipeline), as the ruler scores full resolution.

    Args:
        num_parts: K, the number of parts each object is split into.
    """

    def __init__(self,
                 *,
                 num_parts: int = 4,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if num_parts < 1:
            raise ValueError(f'num_parts must be >= 1, got {num_parts}')
        self.num_parts = num_parts

    def split_objects(self, image: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
        """Part index map ``[M, H, W]`` (-1 outside) of the object masks
        ``[M, H, W]`` of an image ``[3, H, W]``."""
        raise NotImplementedError

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DetDataSample]] = None,
                mode: str = 'predict') -> List[DetDataSample]:
        if mode != 'predict':
            raise ValueError(f'{type(self).__name__} is training-free: it supports mode="predict" '
                             f'only, got mode={mode!r}')
        return [self.predict_sample(image, sample) for image, sample in zip(inputs, data_samples)]

    def predict_sample(self, image: torch.Tensor, sample: DetDataSample) -> DetDataSample:
        h, w = sample.img_shape
        if tuple(sample.ori_shape) != (h, w):
            raise ValueError(f'{sample.img_path}: resized to {(h, w)} from {sample.ori_shape}; '
                             'part baselines need the test pipeline without Resize')
        masks = sample.gt_instances.masks.to_tensor(torch.bool, image.device)
        labels = self.split_objects(image[:, :h, :w].float(), masks)
        parts = [(m, k) for m in range(len(masks)) for k in labels[m].unique().tolist() if k >= 0]
        pred = InstanceData()
        pred.masks = (
            torch.stack([labels[m] == k for m, k in parts]) if parts else torch.zeros(
                (0, h, w), dtype=torch.bool))
        pred.part_ids = torch.tensor([k for _, k in parts], dtype=torch.long)
        pred.scores = torch.ones(len(parts))
        pred.object_ids = torch.tensor([sample.object_ids[m] for m, _ in parts], dtype=torch.long)
        pred.object_labels = sample.gt_instances.labels[[m for m, _ in parts]]
        pred.labels = pred.object_labels * self.num_parts + pred.part_ids
        pred.bboxes = mask2bbox(pred.masks)
        sample.pred_instances = pred
        return sample
