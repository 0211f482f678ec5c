"""Run a model over a dataset in resumable shards (one output file per shard)."""
import math
import os
import os.path as osp
from typing import Callable, List, Optional, Tuple

import torch
from mmengine.dataset import pseudo_collate
from mmengine.dist import get_dist_info
from mmengine.logging import MMLogger
from mmengine.utils import ProgressBar
from torch.utils.data import DataLoader

from ..utils.manifest import check_manifest, model_fingerprint

# data-loading processes beside the model's, where the machine has the cores
MAX_DEFAULT_WORKERS = 4
# cores left to the model's own threads before a loader worker is started
MODEL_CORES = 2


def shard_indices(shard: int, shard_size: int, total: int) -> List[int]:
    return list(range(shard * shard_size, min((shard + 1) * shard_size, total)))


def default_num_workers() -> int:
    """Loader processes when the config names none: one per core beyond the
    model's ``MODEL_CORES`` and each worker's own, at most ``MAX_DEFAULT_WORKERS``
    (none on 2 cores, where a worker only takes time from the model's threads;
    1 on 4, 4 from 10)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()
    return max(0, min(MAX_DEFAULT_WORKERS, ((cores or 1) - MODEL_CORES) // 2))


def shard_batches(shards: List[int], shard_size: int, batch_size: int,
                  total: int) -> List[Tuple[int, List[int]]]:
    """``(shard, image indices)`` of every batch, in order; no batch spans two shards."""
    out = []
    for j in shards:
        indices = shard_indices(j, shard_size, total)
        out += [(j, indices[s:s + batch_size]) for s in range(0, len(indices), batch_size)]
    return out


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
                      collate: Callable[[list], object] = pseudo_collate,
                      num_workers: Optional[int] = None,
                      prefetch_factor: int = 2) -> None:
    """Run ``model`` (in eval mode, without gradients) over every image of ``dataset``.

    Images are taken ``shard_size`` at a time; each shard starts from
    ``start_shard()``, gets every collated batch of ``batch_size`` images
    through ``process_batch(batch, shard)`` and is written by
    ``write_shard(shard, path_of(j))`` (atomically). Images are loaded by
    one :class:`~torch.utils.data.DataLoader` over all shards to run, with
    ``num_workers`` processes (default: :func:`default_num_workers`)
    prefetching ``prefetch_factor`` batches each, and put together by
    ``collate`` (``list`` keeps the items as the dataset gave them), in the
    same order whatever the number of workers. Shards whose file exists are
    skipped, so an interrupted run resumes; ranks of a distributed run take
    every world-size-th shard. ``manifest.json`` beside the shards records
    ``manifest`` (what made them: inputs and settings), with the model's
    weight fingerprint and the shard size; a run with anything else is
    refused before it writes.
    """
    check_manifest(
        osp.join(osp.dirname(path_of(0)), 'manifest.json'),
        dict(manifest, model=model_fingerprint(model), shard_size=shard_size))
    rank, world = get_dist_info()
    num_shards = math.ceil(len(dataset) / shard_size)
    todo = [j for j in range(rank, num_shards, world) if not osp.exists(path_of(j))]
    workers = default_num_workers() if num_workers is None else num_workers
    MMLogger.get_current_instance().info(
        f'{what}: {len(dataset)} images in {num_shards} shards, {len(todo)} to run on rank '
        f'{rank} ({workers} loader workers)')
    batches = shard_batches(todo, shard_size, batch_size, len(dataset))
    if not batches:
        return
    loader = DataLoader(
        dataset,
        batch_sampler=[indices for _, indices in batches],
        num_workers=workers,
        collate_fn=collate,
        prefetch_factor=prefetch_factor if workers else None)
    progress = ProgressBar(sum(len(b) for _, b in batches)) if rank == 0 else None
    model.eval()
    shard, current = None, None
    for (j, indices), batch in zip(batches, loader):
        if j != current:
            if shard is not None:
                write_shard(shard, path_of(current))
            shard, current = start_shard(), j
        with torch.no_grad():
            process_batch(batch, shard)
        if progress is not None:
            for _ in indices:
                progress.update()
    write_shard(shard, path_of(current))


def add_predictions(model, add_sample: Callable[[object, object], None]) -> Callable:
    """A ``process_batch`` that predicts with ``model.test_step`` and passes each
    data sample to ``add_sample(shard, sample)``."""

    def process_batch(batch: dict, shard) -> None:
        for sample in model.test_step(batch):
            add_sample(shard, sample)

    return process_batch
