"""Atomic file output: readers never see a half-written file."""
import contextlib
import json
import os
import os.path as osp
import tempfile
from typing import IO, Any, Iterator

import cv2
import numpy as np


def current_umask() -> int:
    """The process's umask, read without changing it where Linux tells it."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path: str, mode: str = 'w') -> Iterator[IO]:
    """Open a temporary file beside ``path`` and move it into place on success,
    with the permissions a plain ``open`` would give (mkstemp's are 0600)."""
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{osp.basename(path)}.', suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fchmod(f.fileno(), 0o666 & ~current_umask())
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def atomic_write_json(obj: Any, path: str) -> None:
    """Write ``obj`` as JSON to ``path`` atomically."""
    with atomic_writer(path) as f:
        json.dump(obj, f)


def atomic_write_png(rgb: np.ndarray, path: str) -> None:
    """Write an ``[H, W, 3]`` RGB image as PNG to ``path`` atomically."""
    with atomic_writer(path, 'wb') as f:
        f.write(cv2.imencode('.png', cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))[1].tobytes())
