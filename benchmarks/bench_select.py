"""Soft-NMS of one object's pooled proposals (`PartProposalDetector.select`)
against the proposal-by-proposal reference it replaced, in one process.

Proposals are random masks with near repeats (as two magnifications give),
`--proposals` per object, the best `--keep` kept; the table gives the median
time per object of each and the ratio reference / select.

    python benchmarks/bench_select.py [--proposals 40 400] [--keep 40 200]
"""
import argparse
import statistics
import time

import torch
from mmengine.structures import InstanceData

from mmpartdistill.models.detectors.part_proposal_detector import PartProposalDetector
from mmpartdistill.models.detectors.soft_nms_reference import soft_nms_reference


def proposals(n: int, size: int = 64) -> InstanceData:
    g = torch.Generator().manual_seed(n)
    base = torch.rand(n // 2, size, size, generator=g) > 0.5
    masks = torch.cat([base, base ^ (torch.rand(n // 2, size, size, generator=g) > 0.9)])
    return InstanceData(masks=masks, scores=torch.rand(n, generator=g))


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--proposals', type=int, nargs='+', default=[40, 400])
    parser.add_argument('--keep', type=int, nargs='+', default=[40, 200])
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    detector = PartProposalDetector.__new__(PartProposalDetector)  # select needs two settings
    detector.dedup_iou = 0.7
    print('| proposals | kept | reference (ms) | select (ms) | reference / select |')
    print('|---|---|---|---|---|')
    for n, keep in zip(args.proposals, args.keep):
        pooled = proposals(n)
        detector.max_per_object = keep
        ref = median_seconds(lambda: soft_nms_reference(pooled.masks, pooled.scores, 0.7, keep),
                             args.repeats)
        ours = median_seconds(lambda: detector.select(pooled), args.repeats)
        print(f'| {n} | {keep} | {ref * 1e3:.1f} | {ours * 1e3:.1f} | {ref / ours:.1f}x |')


if __name__ == '__main__':
    main()
