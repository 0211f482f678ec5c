"""Building a dataset's records in a child process, so that the parser's
transient objects never occupy the process that trains."""
import os
import pickle
import sys
from typing import Callable

# attributes that stay the parent's own (transforms need not be picklable)
KEPT = ('pipeline', )


def full_init_in_child(dataset, full_init: Callable[[], None]) -> None:
    """Run ``full_init`` (reading the annotation files, making and serializing
    the records) in a forked child and take over the dataset attributes it
    set, as one pickle through a pipe.

    Parsing a large JSON leaves the parsing process with memory it freed but
    cannot hand back (fragmented heap), several times the records' own size;
    the child takes that with it when it exits, and the parent holds only
    the records (MMEngine's serialized buffer: one array, shared
    copy-on-write by DataLoader workers). An error in the child is raised
    here as it was raised there (its message names the file and record).
    Where ``fork`` is not available the records are made in this process.
    """
    if not hasattr(os, 'fork'):
        full_init()
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        try:
            full_init()
            payload = (True, {k: v for k, v in vars(dataset).items() if k not in KEPT})
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as e:  # noqa: B902 (given to the parent as it is)
            try:
                data = pickle.dumps((False, e))
            except Exception:
                data = pickle.dumps((False, RuntimeError(f'{type(e).__name__}: {e}')))
        with os.fdopen(write_fd, 'wb') as f:
            f.write(data)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(0)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd, 'rb') as f:
            ok, payload = pickle.load(f)
    except EOFError:
        ok, payload = None, None
    _, status = os.waitpid(pid, 0)
    if ok is None:
        raise RuntimeError(f'{type(dataset).__name__}: the process reading '
                           f'{getattr(dataset, "ann_file", "its annotations")} ended without '
                           f'records (wait status {status}; out of memory?)')
    if not ok:
        raise payload
    vars(dataset).update(payload)


class ChildLoadMixin:
    """A dataset whose ``full_init`` runs in a child (:func:`full_init_in_child`)."""

    def full_init(self) -> None:
        if not self._fully_initialized:
            full_init_in_child(self, super().full_init)
