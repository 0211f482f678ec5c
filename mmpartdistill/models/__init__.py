from .baselines import AxisBandsBaseline, ColorKMeansBaseline, PartBaseline

__all__ = ['AxisBandsBaseline', 'ColorKMeansBaseline', 'PartBaseline']
