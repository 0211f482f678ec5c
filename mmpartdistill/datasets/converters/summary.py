"""What a dataset conversion wrote and what it skipped, with the records named."""
import os.path as osp
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, List


class ConversionError(ValueError):
    """A conversion that would write a dataset from inputs that are not there."""


def require_inputs(**paths: str) -> None:
    """ConversionError naming every input (keyword: what it is) that does not exist."""
    missing = [
        f'{what.replace("_", " ")} {path}' for what, path in paths.items() if not osp.exists(path)
    ]
    if missing:
        raise ConversionError('not found: ' + ', '.join(missing))


@dataclass
class ConversionSummary:
    """Counts of one converted split; ``skipped`` maps a reason to the records it hit."""
    split: str
    images: int = 0
    objects: int = 0
    parts_per_class: Counter = field(default_factory=Counter)
    skipped: Dict[str, List[str]] = field(default_factory=lambda: defaultdict(list))

    def skip(self, reason: str, record: str) -> None:
        self.skipped[reason].append(record)

    def require_content(self, source: str) -> None:
        """ConversionError when no object was converted: an empty dataset is
        never written, and the skip reasons say why."""
        if self.objects:
            return
        reasons = '; '.join(f'{len(records)} skipped ({reason})'
                            for reason, records in sorted(self.skipped.items()))
        raise ConversionError(f'{self.split}: no object converted from {source} '
                              f'({reasons or "nothing to read"}); nothing written')

    def lines(self, shown: int = 3) -> List[str]:
        parts = f', {sum(self.parts_per_class.values())} parts' if self.parts_per_class else ''
        out = [f'{self.split}: {self.images} images, {self.objects} objects{parts}']
        out += [f'  {name}: {count} parts' for name, count in sorted(self.parts_per_class.items())]
        for reason, records in sorted(self.skipped.items()):
            more = f' (+{len(records) - shown} more)' if len(records) > shown else ''
            out.append(f'  skipped {len(records)} ({reason}): {", ".join(records[:shown])}{more}')
        return out
