"""Mean and spread of repeated figures (over seeds, between raters)."""
import math
from typing import Dict, List


def mean_std(values: List[float]) -> Dict[str, float]:
    """``{'mean', 'std', 'n'}``; ``std`` is the sample standard deviation (0 for one value)."""
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean)**2 for v in values) / (n - 1)) if n > 1 else 0.0
    return dict(mean=mean, std=std, n=n)
