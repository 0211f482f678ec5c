from .atomic_io import atomic_write_json, atomic_write_png, atomic_writer
from .dependencies import check_dependencies
from .markdown import markdown_table

__all__ = [
    'atomic_write_json', 'atomic_write_png', 'atomic_writer', 'check_dependencies',
    'markdown_table'
]
