"""Markdown tables, as the summaries and tools print them."""
from typing import Iterable, List, Sequence


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> List[str]:
    """The lines of a markdown table: ``header``, the rule, then ``rows``."""
    lines = ['| ' + ' | '.join(header) + ' |', '|---' * len(header) + '|']
    return lines + ['| ' + ' | '.join(row) + ' |' for row in rows]
