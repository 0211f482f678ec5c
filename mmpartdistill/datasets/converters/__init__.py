from .partimagenet import convert_partimagenet
from .pascal_part import MatFormatError, convert_pascal_part
from .summary import ConversionSummary

__all__ = ['ConversionSummary', 'MatFormatError', 'convert_partimagenet', 'convert_pascal_part']
