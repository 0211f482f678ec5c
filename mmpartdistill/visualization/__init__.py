from .part_overlay import PALETTE, draw_part_overlay, part_colour

__all__ = ['PALETTE', 'draw_part_overlay', 'part_colour']
