"""PartMapIoUMetric: MMSegmentation's IoU of discovered part maps against ground-truth parts."""
from collections import defaultdict
from typing import Dict, Optional, Sequence, Tuple

import torch
from mmengine.logging import MMLogger
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS

from ...datasets.part_maps_meta import load_part_maps_meta
from ..functional.part_miou import MAPPINGS, NO_PREDICTION, accumulate, summarize

REPORTED = ('mIoU', 'C-mIoU', 'mACC')


@METRICS.register_module()
class PartMapIoUMetric(IoUMetric):
    """:class:`IoUMetric` for a segmentor whose classes are discovered parts
    (``num_parts`` per object class, part ``k`` of object class ``c`` being
    class ``c * K + k``) scored against ground-truth part maps whose classes
    are part categories (the dataset's ``part_object_labels`` name each
    one's object class).

    Clusters are mapped to ground-truth parts of their object class on the
    whole split, as the part mIoU of the unsupervised protocol does
    (``'hungarian'``: one to one; ``'majority'``: the authors' vote). A pixel
    given a part of another object class counts as a miss. Reported per
    mapping: ``mIoU`` (mean over all ground-truth parts, IoUMetric's mean),
    ``C-mIoU`` (mean over object classes of their parts' mean) and ``mACC``.

    Args:
        part_maps: the ``part_maps.json`` of the segmentor's training maps,
            which gives K; or
        num_parts: K of the segmentor's classes.
        mappings: which cluster-to-part mappings to report.
        **kwargs: :class:`IoUMetric`'s arguments (``ignore_index`` of the ground truth).
    """
    default_prefix: Optional[str] = 'part_map'

    def __init__(self,
                 *,
                 part_maps: Optional[str] = None,
                 num_parts: Optional[int] = None,
                 mappings: Sequence[str] = MAPPINGS,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if part_maps is not None:
            num_parts = load_part_maps_meta(part_maps, discovered=True)['num_parts']
        unknown = set(mappings) - set(MAPPINGS)
        if unknown or not num_parts or num_parts < 1:
            raise ValueError(f'PartMapIoUMetric: mappings from {MAPPINGS} and num_parts >= 1, '
                             f'got {list(mappings)} and {num_parts}')
        self.num_parts, self.mappings = num_parts, tuple(mappings)

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        owners = self.dataset_meta.get('part_object_labels')
        if owners is None:
            raise ValueError('PartMapIoUMetric needs the dataset\'s part_object_labels '
                             '(PartMapsDataset of ground-truth part maps gives them)')
        owners = torch.as_tensor(owners)
        for sample in data_samples:
            pred = sample['pred_sem_seg']['data'].squeeze().cpu().long()
            gt = sample['gt_sem_seg']['data'].squeeze().cpu().long()
            valid = gt != self.ignore_index
            gt, pred = gt[valid], pred[valid]
            gt_object = owners[gt]
            cluster = torch.where(pred // self.num_parts == gt_object, pred % self.num_parts,
                                  torch.full_like(pred, NO_PREDICTION))
            pairs, counts = torch.unique(
                torch.stack([gt_object, cluster, gt]), dim=1, return_counts=True)
            per_class: Dict[int, Dict[Tuple[int, int], int]] = defaultdict(dict)
            for (c, k, g), n in zip(pairs.T.tolist(), counts.tolist()):
                per_class[c][(k, g)] = n
            self.results.append(list(per_class.items()))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        owners = self.dataset_meta['part_object_labels']
        parts_of_class: Dict[int, list] = defaultdict(list)
        for g, c in enumerate(owners):
            parts_of_class[c].append(g)
        counts = accumulate(item for result in results for item in result)
        metrics, logger = {}, MMLogger.get_current_instance()
        names = self.dataset_meta.get('object_classes')
        for mapping in self.mappings:
            scores = summarize(counts, dict(parts_of_class), mapping)
            scores['mIoU'] = scores['A-mIoU']
            metrics.update({f'{mapping}/{key}': round(float(scores[key]), 2) for key in REPORTED})
            logger.info(f'part-map mIoU per object class ({mapping}): ' +
                        ', '.join(f'{names[c] if names else c} {v:.1f}'
                                  for c, v in sorted(scores['per_class_mIoU'].items())))
        return metrics
