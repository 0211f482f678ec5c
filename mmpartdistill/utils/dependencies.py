"""Import-time check of the OpenMMLab packages mmpartdistill runs on."""
import importlib.metadata
import importlib.util

from packaging.version import Version

# import name -> (minimum inclusive, maximum exclusive, maintained distribution)
SUPPORTED = {
    'mmengine': ('0.10.0', '1.0.0', 'onedl-mmengine'),
    'mmcv': ('2.0.0', '2.4.0', 'onedl-mmcv'),
    'mmdet': ('3.3.0', '3.6.0', 'onedl-mmdetection'),
    'mmseg': ('1.2.0', '1.5.0', 'onedl-mmsegmentation'),
}


def _installed_version(name: str) -> str:
    module = importlib.import_module(name)
    return getattr(module, '__version__', None) or importlib.metadata.version(name)


def check_dependencies() -> None:
    """Raise ImportError naming any OpenMMLab package that is missing or out of range.

    Versions are checked on the import names, so upstream mmcv/mmdet and the
    maintained onedl-* forks are equally accepted.
    """
    problems = []
    for name, (low, high, dist) in SUPPORTED.items():
        if importlib.util.find_spec(name) is None:
            problems.append(f'{name} is not installed (pip install {dist})')
            continue
        version = _installed_version(name)
        if not Version(low) <= Version(version) < Version(high):
            problems.append(f'{name} {version} is installed, but mmpartdistill needs '
                            f'{low} <= {name} < {high} (for example pip install {dist})')
    if problems:
        raise ImportError('mmpartdistill cannot run with this environment:\n  - ' +
                          '\n  - '.join(problems))
