from .efficientnet_lite import EfficientNetLite0

__all__ = ['EfficientNetLite0']
