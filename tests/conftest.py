import pytest
from mmengine.registry import init_default_scope

from mmpartdistill.datasets import make_synthetic_parts


@pytest.fixture(scope='session')
def synthetic_root(tmp_path_factory):
    """A small synthetic part benchmark shared by the tests (read-only)."""
    root = tmp_path_factory.mktemp('synthetic_parts')
    make_synthetic_parts(str(root), num_images=16, seed=3, image_size=96, val_fraction=0.5)
    return root


@pytest.fixture(scope='module')
def workspace(synthetic_root, tmp_path_factory):
    """A working directory whose data/synthetic_parts is the shared small benchmark,
    where the configs' relative data_root finds it."""
    cwd = tmp_path_factory.mktemp('ws')
    (cwd / 'data').mkdir()
    (cwd / 'data' / 'synthetic_parts').symlink_to(synthetic_root)
    return cwd


@pytest.fixture(scope='session', autouse=True)
def mmdet_scope():
    """Build components as configs do, in MMDetection's scope."""
    init_default_scope('mmdet')
