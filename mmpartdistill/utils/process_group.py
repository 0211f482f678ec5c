"""Joining the process group of MMEngine's launchers, on GPU and CPU machines alike."""
import datetime
from typing import Optional

import torch
import torch.distributed as torch_dist
from mmengine.dist import init_dist, is_distributed


def join_process_group(launcher: str, dist_cfg: Optional[dict] = None) -> None:
    """Join the process group of ``launcher`` (``'none'``: nothing to join).

    With CUDA this is MMEngine's ``init_dist`` with ``dist_cfg``. Without CUDA
    the ``pytorch`` launcher's ranks join with gloo directly: ``init_dist``
    sets a CUDA device first, which a CPU build of PyTorch cannot.
    """
    if launcher == 'none' or is_distributed():
        return
    dist_cfg = dict(dist_cfg or {})
    if torch.cuda.is_available() or launcher != 'pytorch':
        init_dist(launcher, **dist_cfg)
        return
    timeout = dist_cfg.get('timeout')
    torch_dist.init_process_group(
        backend='gloo',
        **({} if timeout is None else dict(timeout=datetime.timedelta(seconds=timeout))))
