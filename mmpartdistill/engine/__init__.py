from .hooks import PartRankingHook
from .pseudo_part_loop import PseudoPartLoop
from .pseudo_part_shards import merge_shards, read_shard, shard_path
from .ranking import PartRanker
from .self_training import SelfTrainingLoop

__all__ = [
    'PartRanker', 'PartRankingHook', 'PseudoPartLoop',
    'SelfTrainingLoop', 'merge_shards', 'read_shard', 'shard_path'
]
