from .part_segformer_head import PartSegformerHead

__all__ = ['PartSegformerHead']
