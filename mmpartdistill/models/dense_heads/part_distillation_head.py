"""PartDistillationHead: class-specific parts, K per object class (stage 4)."""
import copy
from contextlib import contextmanager
from typing import Iterator, List, Optional, Sequence, Tuple

import torch
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmengine.structures import InstanceData
from torch import Tensor

from ..utils import GatheredLinear, ScaledL2Norm, require_class_counts
from .query_mask2former_head import QueryMask2FormerHead

# a logit no softmax gives weight to, yet finite (no NaN in the loss)
EXCLUDED_LOGIT = -1e4


@MODELS.register_module()
class PartDistillationHead(QueryMask2FormerHead):
    """Mask2Former's head whose classifier has ``K x N_objects + 1`` outputs:
    part ``k`` of object class ``c`` is class ``c * K + k``, then no-object.

    Every data sample names its object's class (``object_label`` in its
    metainfo), and only that class's parts (up to its own part count) and
    no-object take part in matching, losses and inference. With
    ``gather_classes`` (the default) the classifier computes just those
    ``K + 1`` outputs per sample, from its rows gathered per sample, so
    memory and time do not grow with N: ``forward`` gives ``[B, Q, K + 1]``
    logits (part ``k`` of the sample's class, then no-object), and the loss
    labels each ground-truth part ``c * K + k`` as ``k``. ``predict`` keeps
    Mask2Former's contract, ``[B, Q, N*K + 1]`` logits with every other
    class's parts at a logit no softmax weighs, so the head works in a stock
    :class:`Mask2Former`; :meth:`predict_parts` gives the detector the
    object's part probabilities without that full tensor. Without
    ``gather_classes`` every output is computed and the others masked (the
    reference the gathered path equals to float tolerance).

    Mask embeddings are L2-normalised and scaled by a learnt factor (the
    last layer of ``mask_embed``), so mask logits are
    ``scale * cos(embedding, pixel feature) * |pixel feature|``.

    Args:
        num_object_classes: N, object classes.
        num_parts: K, part slots per object class.
        parts_per_class: each class's own part count (at most K; default K
            for all), as stage 3 found them.
        mask_embed_scale: initial value of the learnt mask-logit scale.
        gather_classes: compute only each sample's own class's outputs.
        **kwargs: :class:`Mask2FormerHead`'s arguments (the class counts
            follow from N and K).
    """

    def __init__(self,
                 *args,
                 num_object_classes: Optional[int],
                 num_parts: Optional[int],
                 parts_per_class: Optional[Sequence[int]] = None,
                 mask_embed_scale: float = 10.0,
                 gather_classes: bool = True,
                 **kwargs) -> None:
        require_class_counts(
            type(self).__name__, num_object_classes=num_object_classes, num_parts=num_parts)
        if num_object_classes < 1 or num_parts < 1:
            raise ValueError(f'num_object_classes and num_parts must be >= 1, got '
                             f'{num_object_classes} and {num_parts}')
        parts_per_class = tuple(parts_per_class or (num_parts, ) * num_object_classes)
        if len(parts_per_class) != num_object_classes or not all(0 <= int(k) <= num_parts
                                                                 for k in parts_per_class):
            raise ValueError(f'parts_per_class must give 0..{num_parts} parts for each of the '
                             f'{num_object_classes} classes, got {list(parts_per_class)}')
        for key in ('num_things_classes', 'num_stuff_classes'):
            kwargs.pop(key, None)
        super().__init__(
            *args, num_things_classes=num_object_classes * num_parts, num_stuff_classes=0, **kwargs)
        self.num_object_classes, self.num_parts = num_object_classes, num_parts
        self.parts_per_class = tuple(int(k) for k in parts_per_class)
        self.mask_embed.append(ScaledL2Norm(mask_embed_scale))
        self.gather_classes = gather_classes
        if gather_classes:
            self.cls_embed = GatheredLinear.from_linear(self.cls_embed)
            self.local_loss_cls = copy.deepcopy(self.loss_cls)
            self.local_loss_cls.class_weight = self.local_class_weight()

    def local_class_weight(self) -> List[float]:
        """``loss_cls``'s class weights over one class's K parts and no-object;
        the gathered loss needs every part class weighed alike."""
        weight = self.class_weight
        parts = set(float(w) for w in weight[:-1])
        if len(parts) != 1:
            raise ValueError('PartDistillationHead with gather_classes=True weighs every part '
                             f'class alike; loss_cls.class_weight has {len(parts)} part weights '
                             '(set one weight for all parts, or gather_classes=False)')
        return [parts.pop()] * self.num_parts + [float(weight[-1])]

    def object_labels(self, batch_data_samples: SampleList) -> List[int]:
        """Each sample's ``object_label``, checked."""
        labels = []
        for sample in batch_data_samples:
            label = sample.metainfo.get('object_label')
            if label is None or not 0 <= int(label) < self.num_object_classes:
                raise ValueError(f'PartDistillationHead needs each data sample\'s object_label '
                                 f'(0..{self.num_object_classes - 1}) in its metainfo, got '
                                 f'{label!r}; add object_label to PackDetInputs meta_keys')
            labels.append(int(label))
        return labels

    def class_rows(self, batch_data_samples: SampleList, device) -> Tensor:
        """``[B, K + 1]`` classifier rows of each sample: its class's parts, then no-object."""
        first = torch.tensor(self.object_labels(batch_data_samples), device=device)
        rows = first[:, None] * self.num_parts + torch.arange(self.num_parts, device=device)
        return torch.cat([rows, rows.new_full((len(rows), 1), self.num_classes)], 1)

    def allowed_classes(self, batch_data_samples: SampleList, device) -> Tensor:
        """``[B, N*K + 1]`` (``[B, K + 1]`` gathered) mask of the logits each
        sample's object class may use: parts below its count, and no-object."""
        labels = self.object_labels(batch_data_samples)
        counts = torch.tensor([self.parts_per_class[c] for c in labels], device=device)
        slot = torch.arange(self.num_parts, device=device)
        own = slot[None] < counts[:, None]  # [B, K]
        allowed = torch.ones((len(labels), 1), dtype=torch.bool, device=device)
        if self.gather_classes:
            return torch.cat([own, allowed], 1)
        full = torch.zeros((len(labels), self.num_classes), dtype=torch.bool, device=device)
        rows = torch.tensor(labels, device=device)[:, None] * self.num_parts + slot
        return torch.cat([full.scatter(1, rows, own), allowed], 1)

    def forward(self, x: List[Tensor], batch_data_samples: SampleList) -> Tuple[list, list]:
        """Mask2Former's forward, logits of other classes' parts excluded
        (gathered: not computed) per sample."""
        device = x[0].device
        if self.gather_classes:
            with self.cls_embed.gathered(self.class_rows(batch_data_samples, device)):
                cls_preds, mask_preds = super().forward(x, batch_data_samples)
        else:
            cls_preds, mask_preds = super().forward(x, batch_data_samples)
        allowed = self.allowed_classes(batch_data_samples, device)[:, None]
        return [cls.masked_fill(~allowed, EXCLUDED_LOGIT) for cls in cls_preds], mask_preds

    def loss_by_feat(self, all_cls_scores: List[Tensor], all_mask_preds: List[Tensor],
                     batch_gt_instances: List[InstanceData],
                     batch_img_metas: List[dict]) -> dict:
        """Mask2Former's losses; gathered, over each sample's own K parts."""
        if not self.gather_classes:
            return super().loss_by_feat(all_cls_scores, all_mask_preds, batch_gt_instances,
                                        batch_img_metas)
        local = [
            self.local_instances(gt, meta) for gt, meta in zip(batch_gt_instances, batch_img_metas)
        ]
        with self.local_classes():
            return super().loss_by_feat(all_cls_scores, all_mask_preds, local, batch_img_metas)

    def local_instances(self, gt_instances: InstanceData, img_meta: dict) -> InstanceData:
        """Ground truth with part ``c * K + k`` of the sample's class ``c`` labelled ``k``."""
        first = int(img_meta['object_label']) * self.num_parts
        labels = gt_instances.labels - first
        if len(labels) and not ((labels >= 0) & (labels < self.num_parts)).all():
            raise ValueError(f'{img_meta.get("img_path", "a sample")}: part labels '
                             f'{gt_instances.labels.tolist()} are not all parts of its '
                             f'object class {img_meta["object_label"]} '
                             f'({first}..{first + self.num_parts - 1})')
        local = gt_instances.clone()
        local.labels = labels
        return local

    @contextmanager
    def local_classes(self) -> Iterator[None]:
        """Mask2Former's loss code sees K classes (background K) and their weights."""
        saved = self.num_classes, self.class_weight, self.loss_cls
        self.num_classes = self.num_parts
        self.class_weight = self.local_loss_cls.class_weight
        self.loss_cls = self.local_loss_cls
        try:
            yield
        finally:
            self.num_classes, self.class_weight, self.loss_cls = saved

    def full_class_logits(self, cls_logits: Tensor, batch_data_samples: SampleList) -> Tensor:
        """``[B, Q, N*K + 1]`` logits from the gathered ``[B, Q, K + 1]``: every
        other class's parts at the excluded logit."""
        rows = self.class_rows(batch_data_samples, cls_logits.device)
        full = cls_logits.new_full((*cls_logits.shape[:2], self.num_classes + 1), EXCLUDED_LOGIT)
        return full.scatter(2, rows[:, None].expand(-1, cls_logits.shape[1], -1), cls_logits)

    def predict(self, x: Tuple[Tensor], batch_data_samples: SampleList) -> Tuple[Tensor, Tensor]:
        """Mask2Former's ``predict``: ``[B, Q, N*K + 1]`` class logits and mask logits."""
        cls_logits, mask_logits = super().predict(x, batch_data_samples)
        if self.gather_classes:
            cls_logits = self.full_class_logits(cls_logits, batch_data_samples)
        return cls_logits, mask_logits

    def predict_parts(self, x: Tuple[Tensor],
                      batch_data_samples: SampleList) -> Tuple[Tensor, Tensor, Tensor]:
        """``[B, Q, K]`` probabilities of each sample's own class's parts, mask
        logits ``[B, Q, H, W]`` and query features ``[B, Q, C]`` of one pass."""
        cls_logits, mask_logits = super().predict(x, batch_data_samples)
        return (self.part_probabilities(cls_logits, batch_data_samples), mask_logits,
                self.query_features())

    def part_probabilities(self, cls_logits: Tensor, batch_data_samples: SampleList) -> Tensor:
        """``[B, Q, K]`` probabilities of each sample's own class's parts
        (softmax over its outputs, no-object dropped) from ``forward``'s logits."""
        prob = cls_logits.softmax(-1)
        if self.gather_classes:
            return prob[..., :self.num_parts]
        index = self.class_rows(batch_data_samples, prob.device)[:, :self.num_parts]
        return torch.gather(prob, 2, index[:, None].expand(-1, prob.shape[1], -1))
