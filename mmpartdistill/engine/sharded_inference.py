"""Run a model over a dataset in resumable shards (one output file per shard)."""
import math
import os.path as osp
from typing import Callable, List

import torch
from mmengine.dataset import pseudo_collate
from mmengine.dist import get_dist_info
from mmengine.logging import MMLogger
from mmengine.utils import ProgressBar


def shard_indices(shard: int, shard_size: int, total: int) -> List[int]:
    return list(range(shard * shard_size, min((shard + 1) * shard_size, total)))


def sharded_inference(model, dataset, shard_size: int, batch_size: int,
                      path_of: Callable[[int], str], start_shard: Callable[[], object],
                      add_sample: Callable[[object, object],
                                           None], write_shard: Callable[[object, str],
                                                                        None], what: str) -> None:
    """Predict every image of ``dataset`` with ``model.test_step``.

    Images are taken ``shard_size`` at a time; each shard starts from
    ``start_shard()``, gets every predicted data sample through
    ``add_sample(shard, sample)`` and is written by ``write_shard(shard,
    path_of(j))`` (atomically). Shards whose file exists are skipped, so an
    interrupted run resumes; ranks of a distributed run take every
    world-size-th shard.
    """
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
                samples = model.test_step(pseudo_collate(batch))
            for sample in samples:
                add_sample(shard, sample)
                if progress is not None:
                    progress.update()
        write_shard(shard, path_of(j))
