"""Records made in a child process: the parent takes over what it set, and its errors."""
import os

import pytest

from mmpartdistill.datasets import AnnotationFormatError
from mmpartdistill.datasets.child_load import full_init_in_child


class Loader:
    pipeline = None

    def __init__(self, fail=None):
        self.fail, self.pipeline = fail, object()  # transforms stay the parent's own

    def full_init(self):
        if self.fail == 'format':
            raise AnnotationFormatError('objects.json: annotation 7 has no segmentation')
        if self.fail == 'killed':
            os._exit(9)  # as the kernel's out-of-memory killer would leave it
        self.records, self.loaded_by = list(range(5)), os.getpid()


def test_the_child_makes_the_records_and_the_parent_keeps_them():
    loader = Loader()
    pipeline = loader.pipeline
    full_init_in_child(loader, loader.full_init)
    assert loader.records == [0, 1, 2, 3, 4]
    assert loader.loaded_by != os.getpid(), 'made in another process'
    assert loader.pipeline is pipeline


def test_errors_of_the_child_are_raised_as_they_were():
    loader = Loader('format')
    with pytest.raises(AnnotationFormatError, match='objects.json: annotation 7'):
        full_init_in_child(loader, loader.full_init)
    loader = Loader('killed')
    with pytest.raises(RuntimeError, match='ended without records'):
        full_init_in_child(loader, loader.full_init)
    assert not hasattr(loader, 'records')
