"""A clear error for class counts that a config leaves to its data."""

FILLED_BY = ("mmpartdistill's tools/train.py, tools/test.py and tools/infer.py (also through "
             '`mim train/test mmpartdistill`), PartInferencer and the pipeline fill them from '
             'the data; a run dumps its config with them filled into its work dir, and that '
             "config loads in MMDetection's own tools")


def require_class_counts(head: str, **counts) -> None:
    """ValueError naming every count of ``head`` that is still None."""
    unset = [name for name, value in counts.items() if value is None]
    if unset:
        raise ValueError(f'{head}: {", ".join(unset)} left None; this config takes its class '
                         f'counts from its data. {FILLED_BY}')
