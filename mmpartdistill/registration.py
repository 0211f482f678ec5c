"""Registering mmpartdistill's components in the OpenMMLab registries.

``import mmpartdistill`` registers everything, so a config's
``custom_imports=dict(imports=['mmpartdistill'])`` finds every component;
``import mmpartdistill.ops`` alone loads torch and the compiled op only.
"""
import contextlib
import io
import sys
import warnings
from types import FrameType
from typing import Iterator, Optional

# submodules that import nothing of OpenMMLab: importing one of them alone
# does not pull the registries in
LEAF_MODULES = ('ops', 'version', '_ext')
# what the onedl-* forks print at import when the optional OneDL SDK is absent
# (print_log at DEBUG level, but print_log without a logger prints everything)
FORK_NOTICES = ('Could not import OneDL', )
# and MMDetection warns of an optional package for a metric this project never runs
FORK_WARNINGS = ('faster_coco_eval is not installed', )


@contextlib.contextmanager
def without_fork_notices() -> Iterator[None]:
    """Hold back the forks' import notices; everything else printed or warned goes out."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), warnings.catch_warnings():
            for message in FORK_WARNINGS:
                warnings.filterwarnings('ignore', message=message)
            yield
    finally:
        sys.stdout.writelines(line for line in printed.getvalue().splitlines(keepends=True)
                              if not line.startswith(FORK_NOTICES))


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every module that registers a component, as
    ``mmdet.utils.register_all_modules`` does for MMDetection (whose own and
    MMSegmentation's are registered first, so that nothing of theirs is
    imported, or prints, later).

    Components sit in MMDetection's registries (MMSegmentation's for the part
    maps, MMEngine's for the runner and the model wrapper), so configs keep
    ``default_scope='mmdet'``; ``init_default_scope`` sets it.
    """
    # imported here, not above: this module is imported by the package's
    # __init__, which must stay light for `import mmpartdistill.ops`
    from .utils.dependencies import check_dependencies
    check_dependencies()
    with without_fork_notices():
        from mmdet.utils import register_all_modules as register_mmdet
        from mmseg.utils import register_all_modules as register_mmseg
        register_mmseg(init_default_scope=False)
        register_mmdet(init_default_scope=False)
        from . import apis, datasets, engine, evaluation, models, visualization  # noqa: F401
    if init_default_scope:
        from mmengine.registry import init_default_scope as set_scope
        set_scope('mmdet')


def importing_leaf(package: str, frame: Optional[FrameType]) -> bool:
    """Whether the running import is ``import <package>.<leaf>`` (``ops``), which
    runs the package's ``__init__`` on its way; True only then.

    CPython's import system runs a parent package's ``__init__`` from inside
    ``_find_and_load_unlocked(name, ...)`` of the submodule asked for, so the
    caller's frames name it. On an interpreter without those frames this
    answers False and the package registers as usual.
    """
    while frame is not None:
        if frame.f_code.co_name == '_find_and_load_unlocked':
            name = frame.f_locals.get('name')
            if isinstance(name, str) and name.startswith(package + '.'):
                return name[len(package) + 1:].split('.')[0] in LEAF_MODULES
        frame = frame.f_back
    return False


def registers_on_import(package: str, frame: Optional[FrameType]) -> bool:
    """Register unless only a leaf module was asked for in a process that has
    not loaded MMEngine (a config or tool always has)."""
    return 'mmengine' in sys.modules or not importing_leaf(package, frame)
