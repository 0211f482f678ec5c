"""Memory per image of every dataset class that reads the annotation files
(objects, pseudo-part and ranked-part files), at ImageNet-like size.

Writes an objects file of `--images` images (one object each, 640x480,
compressed RLE) and a parts file with `--parts` parts per object, then, each
in its own process, builds every dataset and reports per image: load time,
peak and resident memory above the process before loading, both less the
file's own RLE bytes, the records' serialized buffer, and the private memory
a DataLoader worker adds when it reads its share of the records
(copy-on-write: with the records held in one buffer, that stays a small
constant, not a copy of the buffer, whatever the number of workers). The peak is that of the
process that parses the files (a child, since the datasets make their
records in one), the resident memory what the dataset's own process keeps.

    python benchmarks/bench_annotations.py [--images 100000] [--parts 4]
"""
import argparse
import json
import os
import os.path as osp
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

from mmpartdistill.datasets.coco_rle import mask_to_coco_fields

DATASETS = {
    'ObjectsDataset': dict(type='ObjectsDataset', ann_file='objects.json'),
    'PseudoPartsDataset (pseudo parts)': dict(
        type='PseudoPartsDataset', ann_file='parts.json', objects_file='objects.json'),
    'PseudoPartsDataset (ranked parts)': dict(
        type='PseudoPartsDataset', ann_file='parts.json', objects_file='objects.json',
        class_specific=True),
}
SIZE = (480, 640)


def ellipses(count: int, seed: int = 0):
    """``(mask, annotation fields)`` of ``count`` wavy ellipses."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:SIZE[0], :SIZE[1]]
    out = []
    for _ in range(count):
        cy, cx = rng.uniform(0.3, 0.7, 2) * SIZE
        ry, rx = rng.uniform(0.15, 0.35, 2) * SIZE
        mask = ((yy - cy) / ry)**2 + ((xx - cx) / rx)**2 < 1 + 0.1 * np.sin(xx / 7.0)
        out.append((mask, mask_to_coco_fields(mask)))
    return out


def write_files(folder: str, images: int, parts: int) -> dict:
    """The two files; returns the RLE bytes of each file's masks."""
    shapes = ellipses(64)
    part_fields = []
    for mask, _ in shapes[:16]:
        cols = np.flatnonzero(mask.any(0))
        edges = np.linspace(cols[0], cols[-1] + 1, parts + 1).astype(int)
        part_fields.append([
            mask_to_coco_fields(mask & (np.arange(SIZE[1]) >= a) & (np.arange(SIZE[1]) < b))
            for a, b in zip(edges[:-1], edges[1:])
        ])
    classes = 1000
    image_records, objects, part_anns = [], [], []
    rle_bytes = {'objects.json': 0, 'parts.json': 0}
    for i in range(1, images + 1):
        _, fields = shapes[i % len(shapes)]
        image_records.append(dict(id=i, width=SIZE[1], height=SIZE[0],
                                  file_name=f'n{i % classes:08d}/img_{i:08d}.JPEG'))
        objects.append(dict(id=i, image_id=i, category_id=i % classes + 1, iscrowd=0,
                            **fields))
        rle_bytes['objects.json'] += len(fields['segmentation']['counts'])
        for k, part in enumerate(part_fields[i % len(part_fields)]):
            part_anns.append(dict(id=len(part_anns) + 1, image_id=i, object_id=i,
                                  category_id=(i % classes) * parts + k + 1, iscrowd=0,
                                  **part))
            rle_bytes['parts.json'] += len(part['segmentation']['counts'])
    cats = [dict(id=c + 1, name=f'class{c}') for c in range(classes)]
    part_cats = [dict(id=c * parts + k + 1, name=f'class{c} part{k}', supercategory=f'class{c}',
                      part_id=k) for c in range(classes) for k in range(parts)]
    with open(osp.join(folder, 'objects.json'), 'w') as f:
        json.dump(dict(images=image_records, annotations=objects, categories=cats), f)
    with open(osp.join(folder, 'parts.json'), 'w') as f:
        json.dump(dict(images=image_records, annotations=part_anns, categories=part_cats), f)
    return rle_bytes


def resident_bytes() -> int:
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def private_bytes() -> int:
    with open('/proc/self/smaps_rollup') as f:
        return sum(int(line.split()[1]) * 1024 for line in f
                   if line.startswith(('Private_Clean', 'Private_Dirty')))


class RecordReader:
    """Reads one record (as a training step's dataset[i] starts) and reports the
    worker's private memory once it has read its last one."""

    def __init__(self, dataset, workers: int) -> None:
        self.dataset, self.workers = dataset, workers
        self.start = None

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, i: int):
        if self.start is None:
            self.start = private_bytes()
        self.dataset.get_data_info(i)
        return private_bytes() - self.start if i % 1000 == 0 or i == len(self) - 1 else 0


def measure(name: str, folder: str, rle_bytes: int, images: int, in_process: bool) -> dict:
    import torch
    from mmengine.registry import init_default_scope

    from mmpartdistill import register_all_modules
    register_all_modules()
    init_default_scope('mmdet')
    from mmdet.registry import DATASETS as REGISTRY
    cfg = dict(DATASETS[name], data_root=folder, data_prefix=dict(img='images/'), pipeline=[],
               lazy_init=True)
    dataset = REGISTRY.build(cfg)
    before = resident_bytes()
    start = time.perf_counter()
    if in_process:  # the records made in this process, as before they were made in a child
        super(type(dataset), dataset).full_init()
    else:
        dataset.full_init()
    seconds = time.perf_counter() - start
    resident = resident_bytes() - before
    # the records are made in a child process (full_init_in_child): its peak
    peak = max(resource.getrusage(who).ru_maxrss
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) * 1024 - before
    worker = {}
    for workers in (1, 2):
        loader = torch.utils.data.DataLoader(
            RecordReader(dataset, workers), batch_size=len(dataset) // workers // 4,
            num_workers=workers, collate_fn=lambda b: max(b))
        worker[workers] = max(loader) / 2**20
    return dict(records=len(dataset), seconds=seconds, peak=(peak - rle_bytes) / images,
                resident=(resident - rle_bytes) / images, buffer=dataset.data_bytes.nbytes / 2**20,
                worker1=worker[1], worker2=worker[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--images', type=int, default=100000)
    parser.add_argument('--parts', type=int, default=4)
    parser.add_argument('--one', nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        name, folder, rle, in_process = args.one
        print(json.dumps(measure(name, folder, int(rle), args.images, in_process == '1')))
        return
    with tempfile.TemporaryDirectory() as folder:
        rle_bytes = write_files(folder, args.images, args.parts)
        sizes = {n: osp.getsize(osp.join(folder, n)) for n in ('objects.json', 'parts.json')}
        print(f'{args.images:,} images, 1 object and {args.parts} parts each; objects file '
              f'{sizes["objects.json"] / 2**20:.0f} MB, parts file '
              f'{sizes["parts.json"] / 2**20:.0f} MB; RLE per image: '
              f'{rle_bytes["objects.json"] / args.images:.0f} B of objects, '
              f'{rle_bytes["parts.json"] / args.images:.0f} B of parts')
        print('| dataset | records made | records | load (s) | peak above RLE (B/image) | '
              'resident above RLE (B/image) | record buffer (MB) | worker private, 1 worker (MB) | '
              'worker private, 2 workers (MB each) |')
        print('|---|---|---|---|---|---|---|---|---|')
        resident = {}
        for name, cfg in DATASETS.items():
            rle = rle_bytes[cfg['ann_file']]  # the masks its records hold
            for where in ('in process (before)', 'in a child'):
                out = subprocess.run([
                    sys.executable, __file__, '--images', str(args.images), '--one', name, folder,
                    str(rle), str(int(where.startswith('in process')))
                ], check=True, capture_output=True, text=True).stdout
                r = json.loads(out.strip().splitlines()[-1])
                resident[name, where] = r['resident']
                print(f'| {name} | {where} | {r["records"]:,} | {r["seconds"]:.1f} | '
                      f'{r["peak"]:.0f} | {r["resident"]:.0f} | {r["buffer"]:.0f} | '
                      f'{r["worker1"]:.1f} | {r["worker2"]:.1f} |')
        for name in DATASETS:
            print(f'{name}: resident memory above RLE, before / now: '
                  f'{resident[name, "in process (before)"] / resident[name, "in a child"]:.1f}x')


if __name__ == '__main__':
    main()
