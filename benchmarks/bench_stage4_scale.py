"""Peak memory and step time of one training step of the paper-scale stage-4
head (`PartDistillationHead` of the IN-1K stage-4 config: 200 queries, 256
channels, 9 decoder layers; K=8) as the number of object classes N grows,
with the classifier gathered per sample (`gather_classes=True`, the default)
and with every class's logits computed and masked (`gather_classes=False`,
the reference).

Each measurement runs in its own process on random Swin-L-shaped features
(batch 2, `--size` px input): one step is forward, loss, backward and the
config's optimizer update (fused AdamW, gradient clipping); the step time
is the median of `--steps` steps after one warm-up step, the peak is the
process's peak resident memory. The table
gives each figure and its ratio to N = 1,000 of the same path, then full /
gathered.

    python benchmarks/bench_stage4_scale.py [--classes 1000 5000 21843]
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

CONFIG = Path(__file__).resolve().parents[1] / (
    'configs/partdistill/partdistill_mask2former_swin-l-p4-w12-384-in21k_8xb4-90k_in1k.py')
SWIN_L_CHANNELS = (192, 384, 768, 1536)
K = 8


def build_head(classes: int, gather: bool):
    from mmdet.registry import MODELS
    from mmengine.config import Config

    import mmpartdistill
    mmpartdistill.register_all_modules()
    model = Config.fromfile(str(CONFIG)).model
    head = model.panoptic_head
    head.update(
        train_cfg=model.train_cfg, test_cfg=model.test_cfg,
        num_object_classes=classes, num_parts=K, gather_classes=gather,
        in_channels=list(SWIN_L_CHANNELS))
    head.loss_cls.class_weight = [1.0] * (classes * K) + [0.1]
    return MODELS.build(head)


def batch(classes: int, size: int, g: torch.Generator):
    from mmdet.structures import DetDataSample
    from mmdet.structures.mask import BitmapMasks
    from mmengine.structures import InstanceData

    feats = [
        torch.randn(2, c, size // 2**(i + 2), size // 2**(i + 2), generator=g)
        for i, c in enumerate(SWIN_L_CHANNELS)
    ]
    samples = []
    for b in range(2):
        label = int(torch.randint(classes, (1, ), generator=g))
        masks = torch.rand(3, size, size, generator=g) > 0.5
        sample = DetDataSample(
            metainfo=dict(
                object_label=label, img_shape=(size, size), pad_shape=(size, size),
                batch_input_shape=(size, size)))
        sample.gt_instances = InstanceData(
            labels=torch.tensor([label * K, label * K + 1, label * K + 5]),
            masks=BitmapMasks(masks.numpy(), size, size),
            bboxes=torch.zeros(3, 4))
        samples.append(sample)
    return feats, samples


def measure(classes: int, gather: bool, size: int, steps: int) -> dict:
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    torch.manual_seed(0)
    head = build_head(classes, gather).train()
    optim_wrapper = build_optim_wrapper(head, Config.fromfile(str(CONFIG)).optim_wrapper)
    g = torch.Generator().manual_seed(0)
    times = []
    for _ in range(steps + 1):
        feats, samples = batch(classes, size, g)
        start = time.perf_counter()
        losses = head.loss(feats, samples)
        optim_wrapper.update_params(sum(v for k, v in losses.items() if 'loss' in k))
        times.append(time.perf_counter() - start)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return dict(peak_gb=peak_kb / 2**20, step_s=statistics.median(times[1:]))


def run_one(classes: int, gather: bool, size: int, steps: int) -> dict:
    out = subprocess.run([
        sys.executable, __file__, '--one', str(classes), str(int(gather)), '--size',
        str(size), '--steps', str(steps)
    ], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--classes', type=int, nargs='+', default=[1000, 5000, 21843])
    parser.add_argument('--size', type=int, default=256)
    parser.add_argument('--steps', type=int, default=2)
    parser.add_argument('--one', nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], bool(args.one[1]), args.size, args.steps)))
        return
    rows = {(n, g): run_one(n, g, args.size, args.steps) for n in args.classes
            for g in (False, True)}
    base = args.classes[0]
    print(f'| N | outputs | full peak (GB) | gathered peak (GB) | full step (s) | '
          f'gathered step (s) | full peak / N={base} | gathered peak / N={base} | '
          f'full step / N={base} | gathered step / N={base} | full / gathered peak |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
    for n in args.classes:
        f, g = rows[(n, False)], rows[(n, True)]
        fb, gb = rows[(base, False)], rows[(base, True)]
        print(f'| {n:,} | {n * K + 1:,} | {f["peak_gb"]:.2f} | {g["peak_gb"]:.2f} | '
              f'{f["step_s"]:.2f} | {g["step_s"]:.2f} | {f["peak_gb"] / fb["peak_gb"]:.2f}x | '
              f'{g["peak_gb"] / gb["peak_gb"]:.2f}x | {f["step_s"] / fb["step_s"]:.2f}x | '
              f'{g["step_s"] / gb["step_s"]:.2f}x | {f["peak_gb"] / g["peak_gb"]:.2f}x |')


if __name__ == '__main__':
    main()
