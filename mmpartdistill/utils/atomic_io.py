"""Atomic file output: readers never see a half-written file."""
import contextlib
import json
import os
import os.path as osp
import tempfile
from typing import IO, Any, Iterator


@contextlib.contextmanager
def atomic_writer(path: str, mode: str = 'w') -> Iterator[IO]:
    """Open a temporary file beside ``path`` and move it into place on success."""
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{osp.basename(path)}.', suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
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
