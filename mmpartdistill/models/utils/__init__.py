from .freeze import freeze_modules

__all__ = ['freeze_modules']
