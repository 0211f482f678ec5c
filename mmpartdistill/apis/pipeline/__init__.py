from .config_paths import format_options, rebase_strings, with_data_root, with_seed
from .partdistill_pipeline import PartDistillationPipeline
from .seed_spread import differs, gap_table, seed_spread, spread_table

__all__ = [
    'PartDistillationPipeline', 'differs', 'format_options', 'gap_table', 'rebase_strings',
    'seed_spread', 'spread_table', 'with_data_root', 'with_seed'
]
