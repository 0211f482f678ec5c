"""Stage 4's part map per object crop: ``part_map='max'`` against Mask2Former's ``'sum'``.

Times ``PartDistillationDetector.object_output`` (mask logits upsampled to
the object's box, then the K part maps) on random head outputs, in one
process, at the synthetic config's size and at the paper-scale configs'
(200 queries, K=8, 640 px crops); the best of ``--repeats`` runs each.

    python benchmarks/bench_part_map.py [--repeats 20]
"""
import argparse
import time

import torch

from mmpartdistill.models.detectors import PartDistillationDetector
from mmpartdistill.models.detectors.part_distillation_detector import PART_MAPS

# (name, queries, K, crop size, object box side)
SIZES = (('synthetic config', 20, 4, 256, 180), ('paper scale', 200, 8, 640, 480))


def best_time(detector: PartDistillationDetector, queries: int, parts: int, crop: int,
              side: int, repeats: int) -> float:
    torch.manual_seed(0)
    part_prob = torch.rand(queries, parts).softmax(-1)
    mask_logits = torch.randn(queries, crop // 4, crop // 4)
    box, size = (0, 0, side, side), (crop // 4, crop // 4)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        detector.object_output(None, 0, None, box, size, part_prob, mask_logits, None)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--repeats', type=int, default=20)
    args = parser.parse_args()
    # object_output reads only the part map choice: no weights are needed
    detector = PartDistillationDetector.__new__(PartDistillationDetector)
    print('| size | queries | K | crop | sum (ms) | max (ms) | max / sum |')
    print('|---|---|---|---|---|---|---|')
    with torch.no_grad():
        for name, queries, parts, crop, side in SIZES:
            seconds = {}
            for part_map in PART_MAPS:
                detector.part_map = part_map
                seconds[part_map] = best_time(detector, queries, parts, crop, side, args.repeats)
            print(f'| {name} | {queries} | {parts} | {crop} | {1e3 * seconds["sum"]:.2f} | '
                  f'{1e3 * seconds["max"]:.2f} | {seconds["max"] / seconds["sum"]:.2f}x |')


if __name__ == '__main__':
    main()
