"""mmpartdistill: PartDistillation (object parts without part labels) for OpenMMLab."""
from .utils import check_dependencies

check_dependencies()

from . import apis, datasets, engine, evaluation, models, ops, visualization  # noqa: E402,E501  (registers)
from .version import __version__  # noqa: E402

__all__ = [
    '__version__', 'apis', 'datasets', 'engine', 'evaluation', 'models', 'ops', 'visualization'
]
