from .overlay_files import write_part_overlays, write_png
from .part_overlay import PALETTE, draw_part_overlay, part_colour
from .proposal_panels import draw_proposal_panels

__all__ = [
    'PALETTE', 'draw_part_overlay', 'draw_proposal_panels', 'part_colour', 'write_part_overlays',
    'write_png'
]
