"""Stage 1 of PartDistillation: class-agnostic pseudo parts from an instance model's features."""
import inspect
import itertools
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmdet.registry import LOOPS
from mmengine.logging import MMLogger
from mmengine.model import is_model_wrapper
from mmengine.runner import BaseLoop

from ..datasets.coco_rle import mask_to_coco_fields
from ..ops import cluster_object_parts, drop_small_parts, refine_part_labels, \
    refine_part_labels_dense, require_dense_crf
from ..utils import atomic_write_json
from ..utils.manifest import dataset_fingerprint
from ..utils.rank_zero import on_rank_zero
from .pseudo_part_shards import merge_shards, shard_path
from .sample_records import image_record
from .sharded_inference import sharded_inference

# Predicted objects get ids image_id * PREDICTED_ID_STRIDE + their rank in the image.
PREDICTED_ID_STRIDE = 10000
# crf= names the refinement of the segments: the authors' fully connected CRF
# (pydensecrf, CPU) or the windowed torch CRF (any device, no compiled code)
PART_REFINEMENTS = {'dense': refine_part_labels_dense, 'windowed': refine_part_labels}


@LOOPS.register_module()
class PseudoPartLoop(BaseLoop):
    """Groups the pixels of every object mask into K segments (stage 1).

    Features come from ``feature_source`` at ``feature_levels``, upsampled to
    the first level and concatenated: ``'backbone'`` is the model's
    ``extract_feat`` (backbone, or neck when the model has one; the authors:
    res3 + res4 at stride 8); ``'pixel_decoder'`` is a MaskFormer-style head's
    pixel decoder, level 0 its per-pixel mask embedding (stride 4), then its
    multi-scale outputs. Each object is
    clustered with the masked k-means op at feature resolution, every pixel
    of the mask is assigned to its best centroid, segments are refined by a
    dense CRF (``crf``) and those under ``min_part_fraction`` of the object
    dropped. Images are processed in shards written atomically to
    ``out_dir/shards``; existing shards are skipped, so an interrupted run
    resumes; ranks of a distributed run take every world-size-th shard. Rank
    0 merges the shards (see :func:`merge_shards`). It fires MMEngine's test
    hooks (``before_test``, each batch's ``*_test_iter`` without outputs, and
    ``after_test_epoch`` with the merge summary as its metrics).

    Args:
        runner: the MMEngine runner holding the model (checkpoint loaded).
        dataloader: dataloader config or object; only its dataset is used.
        evaluator: accepted for the Runner's loop interface and not used: the
            merged files are scored with tools/evaluate_parts.py, which also
            covers resumed runs.
        out_dir: output folder.
        num_parts: K, segments per object (the authors: 4).
        feature_source: ``'backbone'`` or ``'pixel_decoder'``.
        feature_levels: indices into the source's outputs.
        metric: k-means metric (the authors assign by dot product).
        kmeans_iters: k-means iterations; seed: its seed.
        crf: ``'dense'``, the authors' fully connected CRF (needs pydensecrf:
            ``pip install pydensecrf2``), ``'windowed'``, mean-field over a
            local window in torch, or None for no refinement.
        crf_iters: mean-field iterations of the refinement; 0 turns it off.
        crf_kernels: keyword arguments of the refinement, over its defaults
            (the authors' kernels for ``'dense'``; see
            :func:`~mmpartdistill.ops.refine_part_labels_dense` and
            :func:`~mmpartdistill.ops.refine_part_labels`).
        min_part_fraction: segments smaller than this share of the object are dropped.
        shard_size: images per shard.
        batch_size: images per forward pass, loaded by the dataloader
            config's ``num_workers`` processes (when it names none,
            :func:`.sharded_inference.default_num_workers`) with its
            ``prefetch_factor``.
        object_source: ``'annotations'`` (the dataset's instance masks) or
            ``'predictions'`` (the model's own instance predictions).
        score_thr: minimum score of a predicted object.
        images_per_file: merge into folders of files of about this many
            images each instead of one file of each kind (see
            :func:`merge_shards`), for splits of ImageNet size.
    """

    def __init__(self,
                 runner,
                 dataloader: Union[dict, torch.utils.data.DataLoader],
                 evaluator=None,
                 *,
                 out_dir: str,
                 num_parts: int = 4,
                 feature_source: str = 'backbone',
                 feature_levels: Sequence[int] = (1, 2),
                 metric: str = 'dot',
                 kmeans_iters: int = 20,
                 seed: int = 0,
                 crf: Optional[str] = 'dense',
                 crf_iters: int = 10,
                 crf_kernels: Optional[dict] = None,
                 min_part_fraction: float = 0.05,
                 shard_size: int = 32,
                 batch_size: int = 4,
                 object_source: str = 'annotations',
                 score_thr: float = 0.5,
                 images_per_file: Optional[int] = None) -> None:
        loader = dataloader if isinstance(dataloader, dict) else vars(dataloader)
        self.num_workers = loader.get('num_workers')
        self.prefetch_factor = loader.get('prefetch_factor') or 2
        super().__init__(runner, dataloader)
        if object_source not in ('annotations', 'predictions'):
            raise ValueError(f"object_source must be 'annotations' or 'predictions', "
                             f'got {object_source!r}')
        if num_parts < 1:
            raise ValueError(f'num_parts must be >= 1, got {num_parts}')
        if feature_source not in ('backbone', 'pixel_decoder'):
            raise ValueError(f"feature_source must be 'backbone' or 'pixel_decoder', "
                             f'got {feature_source!r}')
        if crf is not None and crf not in PART_REFINEMENTS:
            raise ValueError(f"crf must be 'dense', 'windowed' or None, got {crf!r}")
        self.crf, self.crf_kernels = crf, dict(crf_kernels or {})
        if crf is not None:
            accepted = inspect.signature(PART_REFINEMENTS[crf]).parameters
            unknown = sorted(set(self.crf_kernels) - set(accepted) -
                             {'image', 'labels', 'num_parts', 'iters'})
            if unknown:
                raise ValueError(f'crf_kernels: {unknown} are not settings of crf={crf!r}; '
                                 f'it takes {sorted(set(accepted) - {"image", "labels"})}')
            if crf == 'dense' and crf_iters > 0:
                require_dense_crf()
        self.feature_source = feature_source
        self.out_dir, self.num_parts = out_dir, num_parts
        self.feature_levels, self.metric = tuple(feature_levels), metric
        self.kmeans_iters, self.seed, self.crf_iters = kmeans_iters, seed, crf_iters
        self.min_part_fraction, self.shard_size = min_part_fraction, shard_size
        self.batch_size, self.object_source, self.score_thr = batch_size, object_source, score_thr
        self.images_per_file = images_per_file

    def run(self) -> Dict[str, int]:
        model = self.runner.model.module if is_model_wrapper(self.runner.model) else \
            self.runner.model
        dataset = self.dataloader.dataset
        self.runner.call_hook('before_test')
        self.runner.call_hook('before_test_epoch')
        batches = itertools.count()

        def process_batch(batch: dict, shard: Dict[str, List[dict]]) -> None:
            batch_idx = next(batches)
            self.runner.call_hook('before_test_iter', batch_idx=batch_idx, data_batch=batch)
            self.process_batch(model, batch, dataset, shard)
            self.runner.call_hook(
                'after_test_iter', batch_idx=batch_idx, data_batch=batch, outputs=[])

        sharded_inference(
            model,
            dataset,
            self.shard_size,
            self.batch_size,
            path_of=lambda j: shard_path(self.out_dir, j),
            start_shard=lambda: dict(images=[], objects=[], parts=[]),
            process_batch=process_batch,
            write_shard=atomic_write_json,
            what='pseudo parts',
            manifest=dict(
                dataset_fingerprint(dataset),
                num_parts=self.num_parts,
                feature_source=self.feature_source,
                feature_levels=self.feature_levels,
                metric=self.metric,
                kmeans_iters=self.kmeans_iters,
                seed=self.seed,
                crf=self.crf,
                crf_iters=self.crf_iters,
                crf_kernels=self.crf_kernels,
                min_part_fraction=self.min_part_fraction,
                object_source=self.object_source,
                score_thr=self.score_thr),
            num_workers=self.num_workers,
            prefetch_factor=self.prefetch_factor)
        classes = dict(zip(dataset.cat_ids, dataset.metainfo['classes']))
        summary = on_rank_zero(lambda: merge_shards(
            self.out_dir, classes, self.num_parts, images_per_file=self.images_per_file)) or {}
        if summary:
            MMLogger.get_current_instance().info(
                f'pseudo parts written to {self.out_dir}: {summary}')
        self.runner.call_hook('after_test_epoch', metrics=summary)
        self.runner.call_hook('after_test')
        return summary

    def features(self, model, inputs: torch.Tensor) -> List[torch.Tensor]:
        feats = list(model.extract_feat(inputs))
        if self.feature_source == 'backbone':
            return feats
        decoder = getattr(getattr(model, 'panoptic_head', None), 'pixel_decoder', None)
        if decoder is None:
            raise ValueError(f"feature_source='pixel_decoder' needs a MaskFormer-style model "
                             f'(panoptic_head.pixel_decoder); {type(model).__name__} has none')
        mask_feature, multi_scale = decoder(feats)
        return [mask_feature] + list(multi_scale)

    def objects_of(self, model, inputs: torch.Tensor, samples: list, dataset) -> list:
        """Per image: (object ids, category ids, masks [M, Hp, Wp] at the padded input size)."""
        hp, wp = inputs.shape[-2:]
        out = []
        if self.object_source == 'predictions':
            for sample in model.predict(inputs, samples, rescale=False):
                keep = sample.pred_instances.scores > self.score_thr
                masks = sample.pred_instances.masks[keep].bool()
                h, w = masks.shape[-2:]
                masks = F.pad(masks, (0, wp - w, 0, hp - h))
                ids = [sample.img_id * PREDICTED_ID_STRIDE + i for i in range(len(masks))]
                cats = [dataset.cat_ids[int(c)] for c in sample.pred_instances.labels[keep]]
                out.append((ids, cats, masks))
            return out
        for sample in samples:
            masks = sample.gt_instances.masks.to_tensor(torch.bool, inputs.device)
            h, w = masks.shape[-2:]
            masks = F.pad(masks, (0, wp - w, 0, hp - h))
            cats = [dataset.cat_ids[int(c)] for c in sample.gt_instances.labels]
            out.append((list(sample.object_ids), cats, masks))
        return out

    def process_batch(self, model, data: dict, dataset, records: Dict[str, List[dict]]) -> None:
        raw = data['inputs']  # uint8 images before normalisation, for the refinement
        data = model.data_preprocessor(data, False)
        inputs, samples = data['inputs'], data['data_samples']
        feats = self.features(model, inputs)
        levels = [feats[level] for level in self.feature_levels]
        for b, (ids, cats, masks) in enumerate(self.objects_of(model, inputs, samples, dataset)):
            sample = samples[b]
            h, w = sample.img_shape
            oh, ow = sample.ori_shape
            records['images'].append(image_record(sample, dataset))
            if not ids:
                continue
            labels = cluster_object_parts([lv[b:b + 1] for lv in levels], masks,
                                          torch.zeros(
                                              len(masks), dtype=torch.long, device=masks.device),
                                          self.num_parts, self.metric, self.kmeans_iters, self.seed)
            labels = labels[:, :h, :w]
            image = raw[b][:, :h, :w].float()
            for obj_id, cat, mask, part_map in zip(ids, cats, masks[:, :h, :w], labels):
                if self.crf is not None and self.crf_iters > 0:
                    part_map = PART_REFINEMENTS[self.crf](
                        image, part_map, self.num_parts, iters=self.crf_iters,
                        **self.crf_kernels)
                part_map = drop_small_parts(part_map, self.min_part_fraction)
                if (oh, ow) != (h, w):
                    part_map = F.interpolate(
                        part_map[None, None].float(), size=(oh, ow), mode='nearest')[0, 0].long()
                    mask = F.interpolate(
                        mask[None, None].float(), size=(oh, ow), mode='nearest')[0, 0].bool()
                self.add_object(records, sample.img_id, obj_id, cat, mask, part_map)

    def add_object(self, records: Dict[str, List[dict]], image_id: int, obj_id: int, cat: int,
                   mask: torch.Tensor, part_map: torch.Tensor) -> None:
        inside = mask.cpu().numpy()
        if not inside.any():
            return
        records['objects'].append(
            dict(
                id=int(obj_id),
                image_id=image_id,
                category_id=int(cat),
                iscrowd=0,
                **mask_to_coco_fields(inside)))
        for k in part_map.unique().tolist():
            if k < 0:
                continue
            records['parts'].append(
                dict(
                    image_id=image_id,
                    object_id=int(obj_id),
                    part_id=int(k),
                    **mask_to_coco_fields((part_map == k).cpu().numpy())))
