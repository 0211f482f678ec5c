"""Load `mmpartdistill.ops` with torch alone, without the OpenMMLab stack.

GPU machines often have torch but not mmengine/mmcv/mmdet. The ops need only
torch and the compiled `_ext`, so this registers a bare `mmpartdistill`
package (its `__init__` imports the OpenMMLab components) and leaves every
submodule to load normally. Use it as a pytest plugin or as a runner:

    PYTHONPATH=benchmarks python -m pytest -p ops_only --noconftest tests/test_ops
    python benchmarks/ops_only.py benchmarks/bench_masked_kmeans.py --device cuda
"""
import runpy
import sys
import types
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent / 'mmpartdistill'


def install_bare_package() -> None:
    """Register `mmpartdistill` as a namespace over its folder, skipping its __init__."""
    if 'mmpartdistill' in sys.modules:
        return
    package = types.ModuleType('mmpartdistill')
    package.__path__ = [str(PACKAGE_DIR)]
    sys.modules['mmpartdistill'] = package


install_bare_package()

if __name__ == '__main__':
    script, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_path(script, run_name='__main__')
