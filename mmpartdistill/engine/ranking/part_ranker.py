"""Stage 3 of PartDistillation: class-specific part labels from class-agnostic proposals."""
import glob
import os.path as osp
from typing import Dict, List, Mapping, Optional

import numpy as np
import torch
from mmengine.dist import get_dist_info
from mmengine.logging import MMLogger

from ...datasets.categories import parts_per_class_of
from ...datasets.coco_rle import mask_to_coco_fields
from ...datasets.objects_file import AnnotationFormatError
from ...utils import atomic_write_json, atomic_writer
from ...utils.manifest import check_manifest, dataset_fingerprint
from ...utils.rank_zero import on_rank_zero
from ..pseudo_part_shards import merge_shards, shard_path
from ..sample_records import add_image_and_objects
from ..sharded_inference import add_predictions, sharded_inference
from .class_clustering import cluster_classes
from .feature_bank import FeatureBank
from .part_counts import group_by_count, part_counts, parts_shown_per_object
from .part_layout import ranking_features
from .part_selection import kept_proposals, labelled_objects
from .proposal_shards import (object_proposals, proposal_prediction_records, proposal_shard_path,
                              read_proposal_shard, unpack_masks, write_proposal_shard)

CENTROIDS = 'centroids.npz'
PART_COUNTS = ('fixed', 'per_object', 'file')


def feature_setting(model) -> dict:
    """The proposal features of ``model`` for a proposal manifest: none when
    they are the query embeddings, as in the manifests of earlier runs."""
    features = tuple(getattr(model, 'proposal_features', ('query', )))
    return {} if features == ('query', ) else dict(proposal_features=list(features))


class PartRanker:
    """Runs stage 3 on a part-proposal model and writes class-specific part labels.

    1. Proposals: the model proposes parts for every ground-truth object of
       each split; per object the proposals (masks, scores, query features)
       go to resumable shards in ``out_dir/proposals/<split>/``.
    2. Features: on the ``fit`` split, the proposals kept by the authors'
       rule (:func:`kept_proposals` with ``top``, ``keep_area``,
       ``keep_score``) are streamed into per-class banks in ``out_dir/features``.
    3. Clusters: each class's features become ``num_clusters`` spherical
       k-means centroids (:func:`cluster_classes` with ``backend``, on
       ``cluster_device``, ``memory_limit_mb`` of features at a time; the
       best of ``kmeans_restarts`` seeded starts per class). A feature is the
       proposal's feature, or with ``layout_weight > 0`` that joined with
       where the proposal lies in its object (:func:`ranking_features`). With
       ``part_count='per_object'`` each class is then clustered again with
       its own K, chosen without labels: the mean number of distinct
       clusters its objects show when labelled at ``num_clusters``
       (:mod:`.part_counts`). With ``part_count='file'`` each class takes
       the part count of ``part_count_file``, any parts file (an
       evaluation-only oracle when it holds ground truth). They go to
       ``out_dir/centroids.npz``.
    4. Labels: every object of every split is labelled by
       :func:`label_object` with ``part_area`` and ``part_score``; each
       split's parts (part_id = cluster index; a class's part categories are
       its K clusters) go to
       ``out_dir/labels/<split>/annotations/ranked_parts.json`` with its
       ``objects.json`` and ``ranked_parts_predictions.json``.

    Every file is written atomically and every step skips what exists, so an
    interrupted run resumes; ranks of a distributed run share the shards.
    Proposals are extracted ``batch_size`` images at a time, loaded by
    ``num_workers`` processes (default: one per two cores beyond two, at most 4; see
    :func:`~mmpartdistill.engine.sharded_inference.default_num_workers`).
    With ``images_per_file`` the label files are folders of files of about
    that many images (:func:`~mmpartdistill.engine.merge_shards`).
    """

    def __init__(self,
                 out_dir: str,
                 *,
                 num_clusters: int = 8,
                 part_count: str = 'fixed',
                 part_count_file: Optional[str] = None,
                 top: int = 200,
                 keep_area: float = 0.05,
                 keep_score: float = 0.3,
                 part_area: float = 0.05,
                 part_score: float = 0.1,
                 temperature: float = 0.1,
                 kmeans_iters: int = 20,
                 kmeans_restarts: int = 1,
                 layout_weight: float = 0.0,
                 seed: int = 0,
                 memory_limit_mb: float = 1024.0,
                 backend: str = 'auto',
                 cluster_device: str = 'auto',
                 shard_size: int = 32,
                 batch_size: int = 4,
                 num_workers: Optional[int] = None,
                 images_per_file: Optional[int] = None) -> None:
        if num_clusters < 1:
            raise ValueError(f'num_clusters must be >= 1, got {num_clusters}')
        if kmeans_restarts < 1:
            raise ValueError(f'kmeans_restarts must be >= 1, got {kmeans_restarts}')
        if layout_weight < 0:
            raise ValueError(f'layout_weight must be >= 0, got {layout_weight}')
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        if part_count not in PART_COUNTS:
            raise ValueError(f'part_count must be one of {PART_COUNTS}, got {part_count!r}')
        self.out_dir, self.num_clusters, self.top = out_dir, num_clusters, top
        if (part_count == 'file') != (part_count_file is not None):
            raise ValueError("part_count='file' and part_count_file go together; got "
                             f'part_count={part_count!r}, part_count_file={part_count_file!r}')
        self.part_count, self.part_count_file = part_count, part_count_file
        self.keep_area, self.keep_score = keep_area, keep_score
        self.part_area, self.part_score, self.temperature = part_area, part_score, temperature
        self.kmeans_iters, self.seed, self.backend = kmeans_iters, seed, backend
        self.kmeans_restarts, self.layout_weight = kmeans_restarts, float(layout_weight)
        if cluster_device == 'auto':
            cluster_device = 'cuda' if torch.cuda.is_available() else 'cpu'
        self.cluster_device = cluster_device
        self.memory_limit_mb, self.shard_size, self.batch_size = memory_limit_mb, shard_size, \
            batch_size
        self.num_workers, self.images_per_file = num_workers, images_per_file

    def run(self,
            model,
            datasets: Mapping[str, object],
            fit_split: str = 'train') -> Dict[str, dict]:
        """Fit the clusters on ``datasets[fit_split]``; label every split of ``datasets``."""
        if fit_split not in datasets:
            raise ValueError(f'fit_split {fit_split!r} is not one of the splits {list(datasets)}')
        # the features, centroids and labels kept in out_dir come from these
        check_manifest(
            osp.join(self.out_dir, 'manifest.json'),
            dict(
                fit_split=fit_split,
                fit_images=dataset_fingerprint(datasets[fit_split]),
                num_clusters=self.num_clusters,
                part_count=self.part_count,
                part_count_file=self.part_count_file,
                top=self.top,
                keep_area=self.keep_area,
                keep_score=self.keep_score,
                part_area=self.part_area,
                part_score=self.part_score,
                temperature=self.temperature,
                kmeans_iters=self.kmeans_iters,
                seed=self.seed,
                backend=self.backend,
                **self.clustering_setting()))
        for split, dataset in datasets.items():
            self.collect(model, split, dataset)
        on_rank_zero(lambda: self.write_predictions_and_fit(datasets, fit_split))
        centroids = self.load_centroids()
        summaries = {}
        for split, dataset in datasets.items():
            summaries[split] = self.label(split, dataset, centroids)
            MMLogger.get_current_instance().info(f'ranked parts of {split}: {summaries[split]}')
        return summaries

    def clustering_setting(self) -> dict:
        """``kmeans_restarts`` and ``layout_weight`` for the manifest, each left
        out at its default (one start, no layout), as in earlier runs' manifests."""
        setting = {}
        if self.kmeans_restarts != 1:
            setting['kmeans_restarts'] = self.kmeans_restarts
        if self.layout_weight:
            setting['layout_weight'] = self.layout_weight
        return setting

    def write_predictions_and_fit(self, datasets: Mapping[str, object], fit_split: str) -> None:
        """Rank 0's part: the proposals in the prediction format, and the clusters."""
        for split in datasets:
            self.write_proposal_predictions(split)
        if not osp.exists(osp.join(self.out_dir, CENTROIDS)):
            self.fit(datasets[fit_split], fit_split)

    # 1. proposals -----------------------------------------------------------
    def collect(self, model, split: str, dataset) -> None:
        folder = osp.join(self.out_dir, 'proposals', split)
        sharded_inference(
            model,
            dataset,
            self.shard_size,
            self.batch_size,
            path_of=lambda j: proposal_shard_path(folder, j),
            start_shard=lambda: dict(images=[], objects=[], proposals=[]),
            process_batch=add_predictions(
                model, lambda shard, sample: self.add_sample(sample, dataset, shard)),
            write_shard=write_proposal_shard,
            what=f'part ranking, proposals of {split}',
            manifest=dict(dataset_fingerprint(dataset), split=split, **feature_setting(model)),
            num_workers=self.num_workers)

    @staticmethod
    def add_sample(sample, dataset, shard: Dict[str, list]) -> None:
        object_masks = add_image_and_objects(sample, dataset, shard)
        for record in object_proposals(sample.pred_instances, object_masks):
            shard['proposals'].append(dict(record, image_id=sample.img_id))

    @staticmethod
    def _shard_files(folder: str) -> List[str]:
        return sorted(glob.glob(osp.join(folder, 'shard_*.pt')))

    def write_proposal_predictions(self, split: str) -> None:
        """``proposals/<split>_predictions.json``: the split's proposals in the
        prediction format, to score their recall."""
        path = osp.join(self.out_dir, 'proposals', f'{split}_predictions.json')
        if not osp.exists(path):
            paths = self._shard_files(osp.join(self.out_dir, 'proposals', split))
            atomic_write_json(
                [r for p in paths for r in proposal_prediction_records(read_proposal_shard(p))],
                path)

    # 2-3. features and clusters ---------------------------------------------
    def kept_features(self, shard: dict) -> Dict[int, np.ndarray]:
        """``{class id: [n, D]}`` features of the proposals kept in one shard."""
        class_of = {obj['id']: obj['category_id'] for obj in shard['objects']}
        out: Dict[int, list] = {}
        for record in shard['proposals']:
            obj, masks = unpack_masks(record)
            keep = kept_proposals(obj, masks, record['scores'], self.top, self.keep_area,
                                  self.keep_score)
            feats = ranking_features(record['feats'][keep], obj, masks[keep], self.layout_weight)
            out.setdefault(class_of[record['object_id']], []).append(feats)
        return {c: np.concatenate(f).astype(np.float32) for c, f in out.items()}

    def fit(self, dataset, split: str) -> None:
        logger = MMLogger.get_current_instance()
        root = osp.join(self.out_dir, 'features')
        folder = osp.join(self.out_dir, 'proposals', split)
        if not FeatureBank.exists(root):
            paths = self._shard_files(folder)
            FeatureBank.build(root, (self.kept_features(read_proposal_shard(p)) for p in paths))
        bank = FeatureBank(root)
        classes = sorted(int(c) for c in dataset.cat_ids)
        names = dict(zip(dataset.cat_ids, dataset.metainfo['classes']))
        short = {
            c: bank.counts.get(c, 0)
            for c in classes if bank.counts.get(c, 0) < self.num_clusters
        }
        if short:
            logger.warning('part ranking: classes with fewer kept proposals than '
                           f'num_clusters={self.num_clusters} get one cluster per proposal '
                           '(none: their objects get no parts): ' +
                           ', '.join(f'{names[c]} ({n})' for c, n in short.items()))
        logger.info(f'part ranking: clustering {len(classes)} classes, '
                    f'{sum(bank.counts.values())} kept proposals')
        centroids = self.cluster(bank, classes, self.num_clusters)
        if self.part_count == 'per_object':
            shown = parts_shown_per_object(
                (read_proposal_shard(p) for p in self._shard_files(folder)), centroids,
                self.temperature, self.top, self.part_area, self.part_score, self.layout_weight)
            counts = part_counts(shown, self.num_clusters)
            for k, group in group_by_count(counts).items():
                centroids.update(self.cluster(bank, group, k))
            logger.info('part ranking: parts per class (mean distinct clusters per object at '
                        f'K={self.num_clusters}): ' +
                        ', '.join(f'{names[c]} {counts[c]} ({shown[c][1] / shown[c][0]:.2f})'
                                  for c in sorted(counts)))
        if self.part_count == 'file':
            counts = self.file_part_counts(classes, names)
            for k, group in group_by_count(counts).items():
                centroids.update(self.cluster(bank, group, k))
        clustered = sorted(centroids)
        table = np.full((len(clustered), self.num_clusters, bank.dim), np.nan, np.float32)
        for i, c in enumerate(clustered):
            table[i, :len(centroids[c])] = centroids[c]
        with atomic_writer(osp.join(self.out_dir, CENTROIDS), 'wb') as f:
            np.savez(f, class_ids=np.array(clustered, np.int64), centroids=table)

    def cluster(self, bank: FeatureBank, classes: List[int], k: int) -> Dict[int, np.ndarray]:
        """``k`` centroids per class of ``classes`` with this ranker's k-means settings."""
        return cluster_classes(
            bank,
            classes,
            k,
            self.kmeans_iters,
            self.seed,
            self.memory_limit_mb,
            self.backend,
            self.cluster_device,
            restarts=self.kmeans_restarts)

    def file_part_counts(self, classes: List[int], names: Dict[int, str]) -> Dict[int, int]:
        """``{class id: K}`` of ``part_count_file``, each between 1 and ``num_clusters``."""
        counts = dict(
            zip(classes, parts_per_class_of(self.part_count_file,
                                            tuple(names[c] for c in classes))))
        bad = {names[c]: k for c, k in counts.items() if not 1 <= k <= self.num_clusters}
        if bad:
            raise ValueError(f'{self.part_count_file}: part counts {bad} are not between 1 and '
                             f'num_clusters={self.num_clusters}')
        MMLogger.get_current_instance().info(
            f'part ranking: parts per class from {self.part_count_file}: ' +
            ', '.join(f'{names[c]} {k}' for c, k in sorted(counts.items())))
        return counts

    def load_centroids(self) -> Dict[int, np.ndarray]:
        """``{class id: [k_c, D]}`` unit-norm centroids."""
        path = osp.join(self.out_dir, CENTROIDS)
        try:
            data = np.load(path)
            class_ids, table = data['class_ids'], data['centroids']
        except (OSError, ValueError, KeyError) as e:
            raise AnnotationFormatError(f'{path}: unreadable part centroids ({e}); delete it and '
                                        'run again to recompute it') from None
        return {int(c): cents[~np.isnan(cents).any(1)] for c, cents in zip(class_ids, table)}

    # 4. labels --------------------------------------------------------------
    def label(self, split: str, dataset, centroids: Dict[int, np.ndarray]) -> Dict[str, int]:
        folder = osp.join(self.out_dir, 'labels', split)
        paths = self._shard_files(osp.join(self.out_dir, 'proposals', split))
        rank, world = get_dist_info()
        for j in range(rank, len(paths), world):
            if not osp.exists(shard_path(folder, j)):
                self.label_shard(read_proposal_shard(paths[j]), centroids, shard_path(folder, j))
        return on_rank_zero(lambda: merge_shards(
            folder,
            dict(zip(dataset.cat_ids, dataset.metainfo['classes'])), {
                c: len(cents)
                for c, cents in centroids.items()
            },
            name='ranked_parts',
            description='mmpartdistill stage-3 ranked parts (class-specific part clusters)',
            images_per_file=self.images_per_file)) or {}

    def label_shard(self, shard: dict, centroids: Dict[int, np.ndarray], path: str) -> None:
        size_of = {img['id']: (img['height'], img['width']) for img in shard['images']}
        parts = []
        for record, labelled in labelled_objects(shard, centroids, self.temperature, self.top,
                                                 self.part_area, self.part_score,
                                                 self.layout_weight):
            x1, y1, x2, y2 = record['box']
            for k, score, mask in labelled:
                full = np.zeros(size_of[record['image_id']], bool)
                full[y1:y2, x1:x2] = mask
                parts.append(
                    dict(
                        image_id=record['image_id'],
                        object_id=record['object_id'],
                        part_id=k,
                        score=score,
                        **mask_to_coco_fields(full)))
        atomic_write_json(dict(images=shard['images'], objects=shard['objects'], parts=parts), path)
