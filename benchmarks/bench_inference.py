"""Images per second of stage 1 (pseudo parts) and of stage 3's proposal
extraction through `sharded_inference`, its images loaded in the main
process (`num_workers=0`, how it ran before it used a DataLoader) and by 1
and 2 loader workers, in one process, on a generated synthetic benchmark;
the shards of every run must be byte for byte those of the first.

The models are the synthetic configs' (frozen ImageNet EfficientNet-Lite0,
random heads): throughput does not depend on the weights.

    python benchmarks/bench_inference.py [--images 96] [--image-size 128]
"""
import argparse
import filecmp
import os
import os.path as osp
import tempfile
import time
from pathlib import Path

import torch
from mmdet.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner import Runner

from mmpartdistill import register_all_modules
from mmpartdistill.datasets import make_synthetic_parts
from mmpartdistill.engine.data_classes import fill_data_classes
from mmpartdistill.engine.ranking.part_ranker import PartRanker
from mmpartdistill.engine.sharded_inference import default_num_workers

CONFIGS = Path(__file__).resolve().parents[1] / 'configs/partdistill'
STAGE1 = CONFIGS / 'pseudo-parts_mask2former_effnet-lite0_synthetic-parts.py'
STAGE2 = CONFIGS / 'part-proposal_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py'
WORKERS = (0, 1, 2)


def same_shards(a: str, b: str) -> bool:
    names = sorted(n for n in os.listdir(a) if n.startswith('shard_'))
    return names == sorted(n for n in os.listdir(b) if n.startswith('shard_')) and all(
        filecmp.cmp(osp.join(a, n), osp.join(b, n), shallow=False) for n in names)


def stage1(work: str, workers: int) -> float:
    cfg = Config.fromfile(str(STAGE1))
    cfg.update(
        work_dir=osp.join(work, f'stage1_w{workers}'), load_from=None, randomness=dict(seed=0))
    cfg.test_dataloader.num_workers = workers
    cfg.test_cfg.out_dir = osp.join(work, f'stage1_w{workers}')
    fill_data_classes(cfg)
    runner = Runner.from_cfg(cfg)
    start = time.perf_counter()
    runner.test()
    return time.perf_counter() - start


def stage3(work: str, workers: int) -> float:
    cfg = Config.fromfile(str(STAGE2))
    fill_data_classes(cfg)
    (hook, ) = cfg.custom_hooks
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    dataset = DATASETS.build(hook.datasets.train)
    ranker = PartRanker(osp.join(work, f'stage3_w{workers}'), num_workers=workers)
    start = time.perf_counter()
    ranker.collect(model, 'train', dataset)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--images', type=int, default=96)
    parser.add_argument('--image-size', type=int, default=128)
    args = parser.parse_args()
    register_all_modules()
    with tempfile.TemporaryDirectory() as work:
        os.chdir(work)
        make_synthetic_parts('data/synthetic_parts', args.images, seed=0,
                             image_size=args.image_size, val_fraction=0.25)
        train = round(args.images * 0.75)
        rows = []
        for name, run, shards in (('stage 1 (pseudo parts)', stage1, 'stage1_w{}/shards'),
                                  ('stage 3 (proposals)', stage3, 'stage3_w{}/proposals/train')):
            seconds = {w: run(work, w) for w in WORKERS}
            same = all(same_shards(shards.format(0), shards.format(w)) for w in WORKERS)
            rows.append((name, seconds, same))
        MMLogger.get_current_instance().info('done')
    print(f'{train} train images of {args.image_size} px, {os.cpu_count()} cores; the default '
          f'here: {default_num_workers()} workers')
    print('| stage | ' + ' | '.join(f'{w} workers (images/s)' for w in WORKERS) + ' | ' +
          ' | '.join(f'{w} / 0 workers' for w in WORKERS[1:]) + ' | same shards |')
    print('|---|' + '---|' * (2 * len(WORKERS)))
    for name, seconds, same in rows:
        print(f'| {name} | ' + ' | '.join(f'{train / seconds[w]:.1f}' for w in WORKERS) + ' | ' +
              ' | '.join(f'{seconds[0] / seconds[w]:.2f}x' for w in WORKERS[1:]) + f' | {same} |')


if __name__ == '__main__':
    main()
