from .axis_bands import AxisBandsBaseline
from .color_kmeans import ColorKMeansBaseline
from .part_baseline import PartBaseline

__all__ = ['AxisBandsBaseline', 'ColorKMeansBaseline', 'PartBaseline']
