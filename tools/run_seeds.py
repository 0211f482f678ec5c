"""Every stage of a pipeline config over several seeds, and the figures with their spread.

    python tools/run_seeds.py CONFIG --work-dir W --seeds 0 1 2 [--cfg-options data_root=D]

CONFIG is a pipeline config; the method with its supervised ceiling is
configs/partdistill/partdistill-pipeline-ceiling_mask2former_effnet-lite0_synthetic-parts.py.
Seed S runs ``tools/train.py CONFIG --work-dir W/seed_S --resume
--cfg-options seed=S ...`` (every seed of every stage config set to S;
finished seeds and stages are skipped, an interrupted one resumes). Then
``W/seeds.{json,md}`` give each row's mean ± standard deviation over the
seeds, and per class the method's and the ceiling's part mIoU with the gap.
``--summarize-only --summary part_counts/rows.json --out-name part_counts``
does the same for the rows another tool wrote in every seed's run
(tools/compare_part_counts.py).
"""
import argparse
import json
import os.path as osp
import subprocess
import sys

from mmpartdistill.apis.pipeline import gap_table, seed_spread, spread_table
from mmpartdistill.utils import atomic_write_json, atomic_writer

METHOD = 'stage 4: PartDistillation model'
CEILING = 'ceiling: ground-truth parts (reads part labels)'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='a pipeline config (runner_type PartDistillationPipeline)')
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--title', default='val split', help='first cell of the tables')
    parser.add_argument('--cfg-options', nargs='+', default=[], metavar='KEY=VALUE')
    parser.add_argument(
        '--summarize-only', action='store_true', help='write the tables of the seeds run so far')
    parser.add_argument(
        '--summary',
        default='summary.json',
        help="each seed's rows, under W/seed_S (another tool's, e.g. part_counts/rows.json)")
    parser.add_argument(
        '--out-name', default='seeds', help='the tables go to W/OUT_NAME.{json,md}')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    train = osp.join(osp.dirname(osp.abspath(__file__)), 'train.py')
    summaries = {}
    for seed in args.seeds:
        work = osp.join(args.work_dir, f'seed_{seed}')
        if not args.summarize_only:
            print(f'[run_seeds] seed {seed}: {work}', flush=True)
            subprocess.run([
                sys.executable, train, args.config, '--work-dir', work, '--resume', '--cfg-options',
                f'seed={seed}', *args.cfg_options
            ],
                           check=True)
        path = osp.join(work, args.summary)
        if osp.exists(path):
            with open(path) as f:
                summaries[seed] = json.load(f)
    if not summaries:
        raise SystemExit(f'error: no seed of {args.seeds} has a {args.summary} under '
                         f'{args.work_dir}')
    spread = seed_spread(summaries)
    out = osp.join(args.work_dir, args.out_name)
    atomic_write_json(dict(seeds=sorted(summaries), rows=spread), out + '.json')
    lines = spread_table(spread, args.title) + [''] + gap_table(spread, METHOD, CEILING)
    with atomic_writer(out + '.md') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
