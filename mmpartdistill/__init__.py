"""mmpartdistill: PartDistillation (object parts without part labels) for OpenMMLab."""
import sys

from .registration import register_all_modules, registers_on_import
from .version import __version__

if registers_on_import(__name__, sys._getframe()):
    register_all_modules(init_default_scope=False)

__all__ = ['__version__', 'register_all_modules']
