"""Print the metrics.json of several tools/test.py work dirs as one table."""
import argparse
import json
import os.path as osp

from mmpartdistill.utils import markdown_table

COLUMNS = ('part/hungarian/C-mIoU', 'part/hungarian/A-mIoU', 'part/majority/C-mIoU',
           'part/majority/A-mIoU', 'part/majority/mACC', 'proposal/AR@10', 'proposal/AR@100')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('work_dirs', nargs='+')
    args = parser.parse_args()
    rows = []
    for work_dir in args.work_dirs:
        path = osp.join(work_dir, 'metrics.json')
        if not osp.isfile(path):
            raise SystemExit(f'{path}: not found; run tools/test.py with --work-dir {work_dir}')
        with open(path) as f:
            metrics = json.load(f)
        rows.append([osp.basename(osp.normpath(work_dir)),
                     *(f'{metrics[c]:.1f}' if c in metrics else '-' for c in COLUMNS)])
    print('\n'.join(markdown_table(['run', *(c.split('/', 1)[1] for c in COLUMNS)], rows)))


if __name__ == '__main__':
    main()
