"""SelfTrainingLoop: rounds of labelling the train split, then training on the labels (stage 4)."""
import copy
import os.path as osp
from typing import Dict, Optional

from mmdet.registry import DATASETS, LOOPS
from mmengine.logging import MMLogger
from mmengine.model import is_model_wrapper
from mmengine.runner import BaseLoop
from mmengine.runner.utils import set_random_seed

from ...datasets.objects_file import AnnotationFormatError
from .prediction_labels import write_prediction_labels


@LOOPS.register_module()
class SelfTrainingLoop(BaseLoop):
    """Self-training of a PartDistillation model in ``rounds``.

    Round 0 trains on the configured labels (the train dataloader's
    ``ann_file``: stage 3's ranked parts, written by :class:`PartRankingHook`
    or ``tools/rank_parts.py``). Each later round first labels the train
    split with the model's own predictions (``label_dataset``, objects from
    its annotations; parts scoring at most ``min_label_score`` are left out;
    ``label_batch_size`` images a pass, loaded by ``label_num_workers``
    processes, default
    :func:`~mmpartdistill.engine.sharded_inference.default_num_workers`)
    into ``work_dir/round_<r>/labels`` (folders of files of about
    ``label_images_per_file`` images where that is set), then trains on
    them. A round trains ``iters_per_round`` iterations, starting from a fixed seed
    (``seed + r``), and ends with a checkpoint (the config's CheckpointHook
    at that interval) and, with ``val_each_round``, a validation.

    The loop counts iterations over all rounds, so MMEngine's ``--resume``
    restarts at the round after the last finished one, and the labels of a
    round in progress resume shard by shard: a resumed run repeats the
    uninterrupted one.

    It keeps MMEngine's train-loop contract: the train hooks around every
    iteration and epoch, the model in train mode for every iteration (a
    round's validation leaves it in eval mode), and ``stop_training`` (set by
    a hook such as ``EarlyStoppingHook``) ends the run after the iteration
    that set it.
    """

    def __init__(self,
                 runner,
                 dataloader: dict,
                 *,
                 rounds: int = 1,
                 iters_per_round: int = 500,
                 label_dataset: Optional[dict] = None,
                 min_label_score: float = 0.0,
                 seed: int = 0,
                 val_each_round: bool = True,
                 label_shard_size: int = 32,
                 label_batch_size: int = 4,
                 label_num_workers: Optional[int] = None,
                 label_images_per_file: Optional[int] = None) -> None:
        if rounds < 1 or iters_per_round < 1:
            raise ValueError(f'rounds and iters_per_round must be >= 1, got {rounds} and '
                             f'{iters_per_round}')
        if rounds > 1 and label_dataset is None:
            raise ValueError('rounds > 1 needs label_dataset: the train split\'s objects with '
                             'the test pipeline, to label with the model\'s predictions')
        self._runner = runner
        self.dataloader_cfg = copy.deepcopy(dataloader)
        self.rounds, self.iters_per_round = rounds, iters_per_round
        self.label_dataset, self.min_label_score = label_dataset, min_label_score
        self.val_each_round = val_each_round
        self.seed, self.label_shard_size, self.label_batch_size = seed, label_shard_size, \
            label_batch_size
        self.label_num_workers, self.label_images_per_file = label_num_workers, \
            label_images_per_file
        # round 0's data, which the runner reads (dataset meta) before the loop runs
        self.dataloader = runner.build_dataloader(self.round_dataloader(0), seed=seed)
        self._iter, self._epoch = 0, 0
        self.stop_training = False

    @property
    def max_iters(self) -> int:
        return self.rounds * self.iters_per_round

    @property
    def max_epochs(self) -> int:
        return 1

    @property
    def iter(self) -> int:
        return self._iter

    @property
    def epoch(self) -> int:
        return self._epoch

    def round_dir(self, r: int) -> str:
        return osp.join(self.runner.work_dir, f'round_{r}')

    def run(self):
        logger = MMLogger.get_current_instance()
        first = self._iter // self.iters_per_round
        if first:
            logger.info(f'self-training resumes at round {first} of {self.rounds}')
        if first < self.rounds:
            self.start_round(first)  # seeded: a resumed round starts as it did first
        self.runner.call_hook('before_train')
        self.runner.call_hook('before_train_epoch')
        for r in range(first, self.rounds):
            if self.stop_training:
                break
            if r > first:
                self.start_round(r)
            batches = iter(self.dataloader)
            end = (r + 1) * self.iters_per_round
            while self._iter < end and not self.stop_training:
                try:
                    data_batch = next(batches)
                except StopIteration:
                    batches = iter(self.dataloader)
                    data_batch = next(batches)
                self.run_iter(data_batch)
            if self.val_each_round and self.runner.val_loop is not None:
                self.runner.val_loop.run()
        self.runner.call_hook('after_train_epoch')
        self.runner.call_hook('after_train')
        return self.runner.model

    def start_round(self, r: int) -> None:
        """Seed round ``r`` and build its dataloader (labelling the split first if r > 0;
        round 0's was built with the loop)."""
        if r > 0:
            dataloader_cfg = self.round_dataloader(r)
            self.dataloader = self.runner.build_dataloader(dataloader_cfg, seed=self.seed + r)
        set_random_seed(self.seed + r)
        MMLogger.get_current_instance().info(
            f'self-training round {r}: training {self.iters_per_round} iterations on '
            f'{self.dataloader.dataset.ann_file}')

    def run_iter(self, data_batch) -> None:
        self.runner.model.train()
        self.runner.call_hook('before_train_iter', batch_idx=self._iter, data_batch=data_batch)
        outputs = self.runner.model.train_step(data_batch, optim_wrapper=self.runner.optim_wrapper)
        self.runner.call_hook(
            'after_train_iter', batch_idx=self._iter, data_batch=data_batch, outputs=outputs)
        self._iter += 1

    def round_dataloader(self, r: int) -> dict:
        """The train dataloader config of round ``r`` (its labels made first when r > 0)."""
        cfg = copy.deepcopy(self.dataloader_cfg)
        dataset = cfg['dataset']
        if r == 0:
            ann_file = dataset['ann_file']
            if not osp.isabs(ann_file) and dataset.get('data_root'):
                ann_file = osp.join(dataset['data_root'], ann_file)
            if not osp.exists(ann_file):
                raise AnnotationFormatError(
                    f'{ann_file}: the ranked parts of self-training round 0 are missing; run stage '
                    '3 first (the part-proposal config\'s PartRankingHook, or tools/rank_parts.py)')
            return cfg
        labels = osp.join(self.round_dir(r), 'labels')
        self.write_labels(labels)
        suffix = '' if self.label_images_per_file else '.json'  # folders of files, or files
        dataset.update(
            data_root=None,
            ann_file=osp.join(labels, 'annotations', 'ranked_parts' + suffix),
            objects_file=osp.join(labels, 'annotations', 'objects' + suffix))
        return cfg

    def write_labels(self, out_dir: str) -> Dict[str, int]:
        model = self.runner.model.module if is_model_wrapper(self.runner.model) else \
            self.runner.model
        summary = write_prediction_labels(
            model,
            DATASETS.build(self.label_dataset),
            out_dir,
            model.panoptic_head.parts_per_class,
            self.min_label_score,
            shard_size=self.label_shard_size,
            batch_size=self.label_batch_size,
            num_workers=self.label_num_workers,
            images_per_file=self.label_images_per_file)
        model.train()
        return summary
