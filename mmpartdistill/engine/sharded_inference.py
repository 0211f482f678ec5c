"""Run a model over a dataset in resumable shards (one output file per shard)."""
import math
import os.path as osp
from typing import Callable, List

import torch
from mmengine.dataset import pseudo_collate
from mmengine.dist import get_dist_info
from mmengine.logging import MMLogger
from mmengine.utils import ProgressBar

from ..utils.manifest import check_manifest, model_fingerprint


def shard_indices(shard: int, shard_size: int, total: int) -> List[int]:
    return list(range(shard * shard_size, min((shard + 1) * shard_size, total)))


def sharded_inference(model,
                      dataset,
                      shard_size: int,
                      batch_size: int,
                      path_of: Callable[[int], str],
                      start_shard: Callable[[], object],
                      process_batch: Callable[[dict, object], None],
                      write_shard: Callable[[object, str], None],
                      what: str,
                      manifest: dict,
                      collate: Callable[[list], object] = pseudo_collate) -> None:
    """Run ``model`` (in eval mode, without gradients) over every image of ``dataset``.

    Images are taken ``shard_size`` at a time; each shard starts from
    ``start_shard()``, gets every collated batch of ``batch_size`` images
    through ``process_batch(batch, shard)`` and is written by
    ``write_shard(shard, path_of(j))`` (atomically). Batches are put together
    by ``collate`` (``list`` keeps the items as the dataset gave them). Shards
    whose file exists are skipped, so an interrupted run resumes; ranks of a
    distributed run take every world-size-th shard. ``manifest.json`` beside
    the shards records ``manifest`` (what made them: inputs and settings),
    with the model's weight fingerprint and the shard size; a run with
    anything else is refused before it writes.
    """
    check_manifest(
        osp.join(osp.dirname(path_of(0)), 'manifest.json'),
        dict(manifest, model=model_fingerprint(model), shard_size=shard_size))
    rank, world = get_dist_info()
    num_shards = math.ceil(len(dataset) / shard_size)
    todo = [j for j in range(rank, num_shards, world) if not osp.exists(path_of(j))]
    MMLogger.get_current_instance().info(
        f'{what}: {len(dataset)} images in {num_shards} shards, {len(todo)} to run on rank {rank}')
    images = sum(len(shard_indices(j, shard_size, len(dataset))) for j in todo)
    progress = ProgressBar(images) if rank == 0 and images else None
    if todo:
        model.eval()
    for j in todo:
        shard = start_shard()
        indices = shard_indices(j, shard_size, len(dataset))
        for start in range(0, len(indices), batch_size):
            batch = [dataset[i] for i in indices[start:start + batch_size]]
            with torch.no_grad():
                process_batch(collate(batch), shard)
            if progress is not None:
                for _ in batch:
                    progress.update()
        write_shard(shard, path_of(j))


def add_predictions(model, add_sample: Callable[[object, object], None]) -> Callable:
    """A ``process_batch`` that predicts with ``model.test_step`` and passes each
    data sample to ``add_sample(shard, sample)``."""

    def process_batch(batch: dict, shard) -> None:
        for sample in model.test_step(batch):
            add_sample(shard, sample)

    return process_batch
