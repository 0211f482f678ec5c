from .overlay_files import write_part_overlays
from .part_local_visualizer import PartLocalVisualizer
from ..datasets.part_palette import PALETTE, part_colour
from .proposal_panels import draw_proposal_panels

__all__ = [
    'PALETTE', 'PartLocalVisualizer', 'draw_proposal_panels', 'part_colour', 'write_part_overlays'
]
