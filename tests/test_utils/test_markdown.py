"""markdown_table: the tables of the summaries and tools."""
import json
import subprocess
import sys
from pathlib import Path

from mmpartdistill.utils import markdown_table

ROOT = Path(__file__).resolve().parents[2]


def test_markdown_table():
    assert markdown_table(['row', 'a', 'b'], [['x', '1.0', '2.0'], ['y', '', '3.5']]) == [
        '| row | a | b |', '|---|---|---|', '| x | 1.0 | 2.0 |', '| y |  | 3.5 |'
    ]
    assert markdown_table(['only'], []) == ['| only |', '|---|']


def test_summarize_results_prints_one_row_per_work_dir(tmp_path):
    for name, miou in (('one', 40.04), ('two', 51.26)):
        (tmp_path / name).mkdir()
        (tmp_path / name / 'metrics.json').write_text(json.dumps({'part/hungarian/C-mIoU': miou}))
    out = subprocess.run([sys.executable, ROOT / 'tools/summarize_results.py', tmp_path / 'one',
                          tmp_path / 'two'], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines[0].startswith('| run | hungarian/C-mIoU |') and lines[1].startswith('|---|---|')
    assert lines[2].startswith('| one | 40.0 | - |') and lines[3].startswith('| two | 51.3 | - |')
