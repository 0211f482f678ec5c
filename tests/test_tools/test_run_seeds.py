"""tools/run_seeds.py --summarize-only: the tables over the seeds' summaries."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/partdistill' / (
    'partdistill-pipeline-ceiling_mask2former_effnet-lite0_synthetic-parts.py')
METHOD = 'stage 4: PartDistillation model'
CEILING = 'ceiling: ground-truth parts (reads part labels)'


def write(path: Path, rows: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows))


def summarize(work: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([
        sys.executable, ROOT / 'tools/run_seeds.py', CONFIG, '--work-dir', work, '--seeds', '0',
        '1', '2', '--summarize-only', *extra
    ], capture_output=True, text=True)


def test_tables_over_seeds_with_the_gap(tmp_path):
    for seed, (ours, best) in enumerate(((50.0, 70.0), (54.0, 66.0))):
        write(tmp_path / f'seed_{seed}/summary.json', {
            METHOD: {'C-mIoU (H)': ours, 'per class (H)': {'car': ours - 10, 'mug': ours + 10}},
            CEILING: {'C-mIoU (H)': best, 'per class (H)': {'car': best, 'mug': best}},
        })
    done = summarize(tmp_path, '--title', 'dev')
    assert done.returncode == 0, done.stderr
    table = (tmp_path / 'seeds.md').read_text()
    assert '| dev (2 seeds) | C-mIoU (H) |' in table
    assert f'| {METHOD} | 52.0 ± 2.8 |' in table and f'| {CEILING} | 68.0 ± 2.8 |' in table
    assert '| gap (ceiling - method) | 26.0 | 6.0 | 16.0 |' in table
    assert json.loads((tmp_path / 'seeds.json').read_text())['seeds'] == [0, 1]

    # another tool's rows in every seed's run
    for seed, value in enumerate((40.0, 44.0, 42.0)):
        write(tmp_path / f'seed_{seed}/part_counts/rows.json',
              {'k4: stage 4': {'C-mIoU (H)': value}})
    done = summarize(tmp_path, '--summary', 'part_counts/rows.json', '--out-name', 'part_counts')
    assert done.returncode == 0, done.stderr
    assert '| k4: stage 4 | 42.0 ± 2.0 |' in (tmp_path / 'part_counts.md').read_text()


def test_no_summary_is_an_error_naming_the_file(tmp_path):
    done = summarize(tmp_path, '--summary', 'part_counts/rows.json')
    assert done.returncode != 0 and 'part_counts/rows.json' in done.stderr
