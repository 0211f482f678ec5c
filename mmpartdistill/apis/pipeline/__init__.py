from .config_paths import format_options, rebase_strings, with_data_root
from .partdistill_pipeline import PartDistillationPipeline

__all__ = ['PartDistillationPipeline', 'format_options', 'rebase_strings', 'with_data_root']
