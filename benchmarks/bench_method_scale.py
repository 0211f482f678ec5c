"""The whole method (PartDistillationPipeline, every stage) on generated data
with 10, 100 and 1,000 object classes at the same number of images per class,
each in its own process: time and peak memory of every stage, and how they
grow with the classes (and so the images).

Training stages run a fixed, small number of iterations (`--iters`), so
their time should not grow with the data; the stages that go over every
image (stage 1, stage 3's proposals, labels and predictions, the scoring)
should grow linearly in images; memory should stay flat. Peak memory is the
main process's resident peak during the stage (`stage.json`'s
`peak_memory_mb`; loader workers are not counted).

    python benchmarks/bench_method_scale.py [--classes 10 100 1000] [--images-per-class 2]
"""
import argparse
import json
import os.path as osp
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mmengine.config import Config

from mmpartdistill.datasets.synthetic.object_classes import OBJECT_CLASSES

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / 'configs/partdistill' / (
    'partdistill-pipeline_mask2former_effnet-lite0_synthetic-parts.py')


def scaled_pipeline(folder: str, classes: int, images_per_class: int, size: int,
                    iters: int) -> str:
    """The pipeline config on ``classes`` generated classes (drawn by the
    synthetic drawers in turn), every training stage ``iters`` iterations."""
    drawers = [c.name for c in OBJECT_CLASSES]
    cfg = Config.fromfile(str(CONFIG))
    cfg.stage_config_dir = str(CONFIG.parent)
    cfg.data_root = osp.join(folder, 'data') + '/'
    cfg.synthetic_benchmark = dict(
        generate=True, num_images=classes * images_per_class, seed=0, image_size=size,
        val_fraction=0.25, classes=[f'c{i}={drawers[i % len(drawers)]}' for i in range(classes)])
    stages = {s['name']: s for s in cfg.stages}
    stages['stage0_instance_model']['cfg_options'].update({
        'train_cfg.max_iters': iters,
        'train_cfg.val_interval': iters,
        'param_scheduler.end': iters,
        'param_scheduler.milestones': [iters - 1],
        'default_hooks.checkpoint.interval': iters,
    })
    stages['stage2_part_proposals']['cfg_options'].update({
        'train_cfg.max_iters': iters,
        'default_hooks.checkpoint.interval': iters,
    })
    stages['stage4_partdistill']['cfg_options'].update({
        'train_cfg.iters_per_round': iters,
        'default_hooks.checkpoint.interval': iters,
    })
    path = osp.join(folder, 'pipeline.py')
    cfg.dump(path)
    return path


def run_pipeline(classes: int, images_per_class: int, size: int, iters: int) -> dict:
    """Per stage ``(seconds, peak MB)`` of one pipeline run, and its images."""
    with tempfile.TemporaryDirectory() as folder:
        config = scaled_pipeline(folder, classes, images_per_class, size, iters)
        work = osp.join(folder, 'work')
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(ROOT / 'tools/train.py'), config, '--work-dir', work],
            cwd=folder, capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f'{classes} classes: the pipeline failed\n{result.stderr[-3000:]}')
        stages = {}
        for stage in Config.fromfile(config).stages:
            with open(osp.join(work, stage['name'], 'stage.json')) as f:
                record = json.load(f)
            stages[stage['name']] = (record['seconds'], record['peak_memory_mb'])
        with open(osp.join(folder, 'data', 'annotations', 'objects_train.json')) as f:
            train = len(json.load(f)['images'])
        return dict(stages=stages, images=classes * images_per_class, train=train,
                    total=time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--classes', type=int, nargs='+', default=[10, 100, 1000])
    parser.add_argument('--images-per-class', type=int, default=2)
    parser.add_argument('--image-size', type=int, default=64)
    parser.add_argument('--iters', type=int, default=10)
    args = parser.parse_args()
    runs = {c: run_pipeline(c, args.images_per_class, args.image_size, args.iters)
            for c in args.classes}
    first, last = args.classes[0], args.classes[-1]
    print(f'{args.images_per_class} images per class of {args.image_size} px; training stages '
          f'{args.iters} iterations; images: ' +
          ', '.join(f'{runs[c]["images"]:,} ({c:,} classes)' for c in args.classes))
    head = ' | '.join(f'{c:,} classes: s, MB' for c in args.classes)
    print(f'| stage | {head} | time {last:,} / {first:,} | memory {last:,} / {first:,} |')
    print('|---|' + '---|' * (len(args.classes) + 2))
    for name in runs[first]['stages']:
        cells = ' | '.join('{:.0f}, {:.0f}'.format(*runs[c]['stages'][name]) for c in args.classes)
        (t0, m0), (t1, m1) = runs[first]['stages'][name], runs[last]['stages'][name]
        print(f'| {name} | {cells} | {t1 / t0:.1f}x | {m1 / m0:.2f}x |')
    totals = ' | '.join(f'{runs[c]["total"]:.0f} s' for c in args.classes)
    print(f'| whole run | {totals} | {runs[last]["total"] / runs[first]["total"]:.1f}x | |')
    print(f'images grow {runs[last]["images"] / runs[first]["images"]:.0f}x')


if __name__ == '__main__':
    main()
