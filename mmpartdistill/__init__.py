"""mmpartdistill: PartDistillation (object parts without part labels) for OpenMMLab."""
from .utils import check_dependencies

check_dependencies()

from . import datasets, engine, evaluation, models, ops, visualization  # noqa: E402  (registers)
from .version import __version__  # noqa: E402

__all__ = ['__version__', 'datasets', 'engine', 'evaluation', 'models', 'ops', 'visualization']
