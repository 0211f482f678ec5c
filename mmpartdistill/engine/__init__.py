from .pseudo_part_loop import PseudoPartLoop
from .pseudo_part_shards import merge_shards, read_shard, shard_path

__all__ = ['PseudoPartLoop', 'merge_shards', 'read_shard', 'shard_path']
