from .gallery_records import GalleryParts, read_gallery_parts
from .overlay_files import write_part_overlays
from .part_gallery import write_part_gallery
from .part_local_visualizer import PartLocalVisualizer
from ..datasets.part_palette import PALETTE, part_colour
from .proposal_panels import draw_proposal_panels

__all__ = [
    'PALETTE', 'GalleryParts', 'PartLocalVisualizer', 'draw_proposal_panels', 'part_colour',
    'read_gallery_parts', 'write_part_gallery', 'write_part_overlays'
]
