"""What importing the op costs: `import mmpartdistill.ops` against `import torch`
(the baseline) and the whole package, each in a fresh interpreter.

Each statement runs ``--repeats`` times; the table gives the median wall time
and the peak resident memory of the process, and both as ratios to
``import torch`` measured in the same run.

    python benchmarks/bench_import.py [--repeats 5]
"""
import argparse
import json
import statistics
import subprocess
import sys

STATEMENTS = ('import torch', 'import mmpartdistill.ops', 'import mmpartdistill')
PROBE = ('import resource, time, json\nstart = time.perf_counter()\n{statement}\n'
         'print(json.dumps([time.perf_counter() - start, '
         'resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))')


def measure(statement: str, repeats: int) -> tuple:
    runs = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, '-c', PROBE.format(statement=statement)],
                             capture_output=True, text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    results = {s: measure(s, args.repeats) for s in STATEMENTS}
    base_time, base_mb = results['import torch']
    print('| statement | time (s) | peak memory (MB) | time / torch | memory / torch |')
    print('|---|---|---|---|---|')
    for statement, (seconds, mb) in results.items():
        print(f'| `{statement}` | {seconds:.2f} | {mb:.0f} | {seconds / base_time:.2f}x | '
              f'{mb / base_mb:.2f}x |')


if __name__ == '__main__':
    main()
