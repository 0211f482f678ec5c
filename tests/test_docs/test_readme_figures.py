"""README quotes its figures from docs/ and the metafile, and points at things that exist."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / 'README.md').read_text()
DOCS = {p.name: p.read_text() for p in (ROOT / 'docs').glob('*.md')}
# a decimal figure, not part of a version such as 2.13.0
FIGURE = re.compile(r'(?<![\d.])\d+\.\d+(?![\d.])')


def table(text: str, first_header: str) -> dict:
    """The markdown table whose first header cell is ``first_header``: row label ->
    {column: cell}."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith('|') and line.split('|')[1].strip() == first_header)
    header = [c.strip() for c in lines[start].strip('|').split('|')]
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith('|'):
            break
        cells = [c.strip().strip('*') for c in line.strip('|').split('|')]
        rows[cells[0]] = dict(zip(header[1:], cells[1:]))
    return rows


def test_readme_results_table_is_the_results_page_table():
    ours = table(README, 'test split (data seed 42), 3 seeds')
    theirs = table(DOCS['results.md'], 'test split (data seed 42), 3 seeds')
    assert len(ours) == 7 and any(label.startswith('ceiling') for label in ours)
    assert all('±' in cell for cells in ours.values() for c, cell in cells.items()
               if c != 'config'), 'every figure with its spread'
    for label, cells in ours.items():
        [source] = [row for name, row in theirs.items() if name.startswith(label)]
        for column, value in cells.items():
            if column != 'config':
                assert source[column] == value, (label, column)


def test_every_figure_readme_quotes_is_in_the_docs():
    docs = '\n'.join(DOCS.values())
    missing = sorted({f for f in FIGURE.findall(README) if f not in docs})
    assert missing == []


def test_metafile_results_are_in_the_results_page():
    meta = yaml.safe_load((ROOT / 'configs/partdistill/metafile.yml').read_text())
    results = DOCS['results.md']
    quoted = [f'{value:.1f}' for model in meta['Models'] for result in model.get('Results', [])
              for value in result['Metrics'].values()]
    assert quoted and [v for v in quoted if v not in results] == []


def test_readme_is_short_and_its_links_and_configs_exist():
    assert len(README.splitlines()) <= 250
    for link in re.findall(r'\]\(((?:docs|configs|tools)/[^)#]+)\)', README):
        assert (ROOT / link).exists(), link
    mmdet = set(re.findall(r"mmdet::[\w/.-]*?([\w.-]+\.py)", README))
    for config in set(re.findall(r'[\w.-]+\.py', README)) - mmdet:
        if '_' in config and not config.startswith('test_'):
            found = list((ROOT / 'configs').rglob(config)) + list((ROOT / 'tools').rglob(config))
            assert found or (ROOT / config).exists(), config


def test_docs_link_to_pages_and_images_that_exist():
    for name, text in DOCS.items():
        for link in re.findall(r'\]\(([^)#:]+)\)', text):
            assert (ROOT / 'docs' / link).exists(), f'{name}: {link}'
