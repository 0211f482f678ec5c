"""Work that only rank 0 does, while the other ranks wait for it without timing out."""
import datetime
from typing import Callable, Optional, TypeVar

import torch.distributed as torch_dist
from mmengine.dist import barrier, get_dist_info

T = TypeVar('T')
# how long the other ranks wait for rank 0 (clustering ImageNet-21K's classes
# or merging a million objects' shards outlasts the process group's 30 minutes)
WAIT = datetime.timedelta(days=7)
_wait_group = None


def _waiting_group():
    """A gloo group over every rank whose collectives wait :data:`WAIT`.

    Created on first use, which every rank reaches in step (after a barrier)."""
    global _wait_group
    if _wait_group is None:
        _wait_group = torch_dist.new_group(backend='gloo', timeout=WAIT)
    return _wait_group


def on_rank_zero(work: Callable[[], T]) -> Optional[T]:
    """Run ``work`` on rank 0 alone and return its result there (None on the
    other ranks, which wait for it on a gloo group with a week's timeout)."""
    rank, world = get_dist_info()
    if world == 1:
        return work()
    barrier()
    group = _waiting_group()
    result = work() if rank == 0 else None
    torch_dist.barrier(group=group)
    return result
