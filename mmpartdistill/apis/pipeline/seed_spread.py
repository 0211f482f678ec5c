"""Figures over seeds: mean and standard deviation of each row of pipeline summaries."""
from typing import Dict, List, Mapping, Optional

from ...evaluation.spread import mean_std
from ...utils import markdown_table

PER_CLASS = 'per class (H)'  # a row's Hungarian part mIoU of each object class


def seed_spread(summaries: Mapping[int, Mapping[str, dict]]) -> Dict[str, dict]:
    """``{row: {column: mean_std}}`` over the seeds' ``summary.json`` contents
    (``{seed: {row: {column: value}}}``), per-class scores included; a row
    or class that some seed lacks is left out of that seed's figures only."""
    rows: Dict[str, Dict[str, List[float]]] = {}
    classes: Dict[str, Dict[str, List[float]]] = {}
    for summary in summaries.values():
        for row, scores in summary.items():
            for column, value in scores.items():
                if column == PER_CLASS:
                    for name, v in value.items():
                        classes.setdefault(row, {}).setdefault(name, []).append(v)
                else:
                    rows.setdefault(row, {}).setdefault(column, []).append(value)
    out: Dict[str, dict] = {}
    for row, columns in rows.items():
        out[row] = {c: mean_std(v) for c, v in columns.items()}
        if row in classes:
            out[row][PER_CLASS] = {name: mean_std(v) for name, v in classes[row].items()}
    return out


def differs(a: Dict[str, float], b: Dict[str, float]) -> bool:
    """Whether two figures differ by more than their spread (the larger std of the two)."""
    return abs(a['mean'] - b['mean']) > max(a['std'], b['std'])


def cell(figure: Dict[str, float]) -> str:
    return f"{figure['mean']:.1f} ± {figure['std']:.1f}"


def spread_table(spread: Dict[str, dict], title: str) -> List[str]:
    """Markdown lines: one row per summary row, ``mean ± std`` per column."""
    if not spread:
        return []
    columns = [c for c in next(iter(spread.values())) if c != PER_CLASS]
    seeds = max(f['n'] for row in spread.values() for c, f in row.items() if c != PER_CLASS)
    return markdown_table([f'{title} ({seeds} seeds)', *columns],
                          ([row, *(cell(figures[c]) if c in figures else '' for c in columns)]
                           for row, figures in spread.items()))


def gap_table(spread: Dict[str, dict], method: str, ceiling: Optional[str]) -> List[str]:
    """Markdown lines: per class, the method's and the ceiling's Hungarian
    part mIoU over seeds and the gap between their means."""
    if ceiling not in spread or method not in spread or PER_CLASS not in spread[method]:
        return []
    ours, best = spread[method][PER_CLASS], spread[ceiling].get(PER_CLASS, {})
    names = sorted(ours)
    gaps = [f"{best[n]['mean'] - ours[n]['mean']:.1f}" if n in best else '' for n in names]
    total = spread[ceiling]['C-mIoU (H)']['mean'] - spread[method]['C-mIoU (H)']['mean']
    return markdown_table(['part mIoU (H) per class', *names, 'all'], [
        [method, *(cell(ours[n]) for n in names),
         cell(spread[method]['C-mIoU (H)'])],
        [ceiling, *(cell(best[n]) if n in best else '' for n in names),
         cell(spread[ceiling]['C-mIoU (H)'])],
        ['gap (ceiling - method)', *gaps, f'{total:.1f}'],
    ])
