"""Manual evaluation: the rating files a part gallery's form saves, merged into scores.

A rating file (``format: mmpartdistill-part-ratings``) holds one rater's
ratings of object classes on the form's criteria (precision, diversity,
generality), each an integer on the file's ``scale``.
"""
import json
from typing import Dict, List, Sequence

from .spread import mean_std

FORMAT = 'mmpartdistill-part-ratings'


class RatingsError(ValueError):
    """A rating file that cannot be read; the message names the file and the field."""


def read_ratings(path: str) -> dict:
    """A checked rating file: ``{rater, saved, criteria, scale, ratings}``."""
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        raise RatingsError(f'{path}: cannot be read ({e.strerror})') from None
    except json.JSONDecodeError as e:
        raise RatingsError(f'{path}: not valid JSON ({e})') from None
    if not isinstance(data, dict) or data.get('format') != FORMAT:
        raise RatingsError(f'{path}: not a rating file (its "format" must be {FORMAT!r})')
    for key in ('rater', 'criteria', 'scale', 'ratings'):
        if key not in data:
            raise RatingsError(f'{path}: lacks "{key}"')
    if not isinstance(data['rater'], str) or not data['rater'].strip():
        raise RatingsError(f'{path}: "rater" must be a name, got {data["rater"]!r}')
    low, high = data['scale'].get('min'), data['scale'].get('max')
    if not (isinstance(low, int) and isinstance(high, int) and low < high):
        raise RatingsError(f'{path}: "scale" must give integers min < max, got {data["scale"]}')
    if not isinstance(data['ratings'], dict):
        raise RatingsError(f'{path}: "ratings" must map class names to ratings')
    for name, rating in data['ratings'].items():
        for criterion in data['criteria']:
            value = rating.get(criterion) if isinstance(rating, dict) else None
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise RatingsError(f'{path}: ratings.{name}.{criterion} is {value!r}; it must be '
                                   f'an integer from {low} to {high}')
    return data


def summarize_ratings(paths: Sequence[str]) -> dict:
    """Per class and overall, each criterion's mean over raters and its
    standard deviation between raters. Overall figures average each rater's
    own mean over the classes they rated; their spread is between raters.
    Several files of one rater: the last saved counts (listed in ``replaced``)."""
    if not paths:
        raise RatingsError('no rating files given')
    files = [(p, read_ratings(p)) for p in paths]
    criteria = files[0][1]['criteria']
    for path, data in files[1:]:
        if data['criteria'] != criteria or data['scale'] != files[0][1]['scale']:
            raise RatingsError(f'{path}: criteria or scale differ from those of {files[0][0]}')
    latest: Dict[str, tuple] = {}
    replaced = []
    for path, data in sorted(files, key=lambda f: str(f[1].get('saved', ''))):
        if data['rater'] in latest:
            replaced.append(latest[data['rater']][0])
        latest[data['rater']] = (path, data)
    per_class: Dict[str, Dict[str, List[float]]] = {}
    per_rater: Dict[str, Dict[str, List[float]]] = {}
    for rater, (_, data) in latest.items():
        for name, rating in data['ratings'].items():
            for c in criteria:
                per_class.setdefault(name, {}).setdefault(c, []).append(rating[c])
                per_rater.setdefault(rater, {}).setdefault(c, []).append(rating[c])
    return dict(
        raters=sorted(latest),
        replaced=replaced,
        criteria=criteria,
        scale=files[0][1]['scale'],
        classes={
            name: {c: mean_std(v)
                   for c, v in scores.items()}
            for name, scores in sorted(per_class.items())
        },
        overall={
            c: mean_std([sum(r[c]) / len(r[c]) for r in per_rater.values() if r.get(c)])
            for c in criteria
        })
