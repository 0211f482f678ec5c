from .partimagenet import convert_partimagenet
from .summary import ConversionSummary

__all__ = ['ConversionSummary', 'convert_partimagenet']
