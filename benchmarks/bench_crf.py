"""Time per object of stage 1's refinements: the authors' fully connected CRF
(pydensecrf, `crf='dense'`) against the windowed torch CRF (`crf='windowed'`,
the baseline), on the objects of a generated synthetic benchmark, their
ground-truth parts with a share of pixels relabelled at random as the noisy
labels; also how many of the relabelled pixels each puts back.

    python benchmarks/bench_crf.py [--images 40] [--image-size 128] [--noise 0.2]
"""
import argparse
import tempfile
import time
from functools import partial
from typing import Callable, List, Tuple

import numpy as np
import torch

from mmpartdistill.datasets import ObjectsFile, PartsFile, make_synthetic_parts
from mmpartdistill.ops import refine_part_labels, refine_part_labels_dense

Object = Tuple[torch.Tensor, torch.Tensor, torch.Tensor, int]  # image, truth, noisy, K


def objects_of(root: str, noise: float, seed: int = 0) -> List[Object]:
    import cv2
    objects = ObjectsFile.load(f'{root}/annotations/objects_train.json')
    parts = PartsFile.load(f'{root}/annotations/parts_train.json', objects)
    rng = np.random.default_rng(seed)
    out = []
    for obj_id, obj in objects.objects.items():
        masks = parts.part_masks(obj_id).astype(bool) & objects.mask(obj_id).astype(bool)
        if len(masks) < 2:
            continue
        truth = np.full(masks.shape[1:], -1, np.int64)
        for k, m in enumerate(masks):
            truth[m] = k
        noisy = truth.copy()
        flip = (truth >= 0) & (rng.random(truth.shape) < noise)
        noisy[flip] = rng.integers(0, len(masks), int(flip.sum()))
        image = cv2.imread(f'{root}/images/{objects.images[obj["image_id"]]["file_name"]}')
        out.append((torch.from_numpy(image).permute(2, 0, 1).float(), torch.from_numpy(truth),
                    torch.from_numpy(noisy), len(masks)))
    return out


def measure(refine: Callable, objects: List[Object], repeats: int) -> Tuple[float, float]:
    """(seconds per object, pixel accuracy inside the objects after refinement)."""
    best, correct, total = float('inf'), 0, 0
    for _ in range(repeats):
        start = time.perf_counter()
        refined = [refine(image, noisy, k) for image, _, noisy, k in objects]
        best = min(best, (time.perf_counter() - start) / len(objects))
    for (_, truth, _, _), r in zip(objects, refined):
        inside = truth >= 0
        correct += int((r[inside] == truth[inside]).sum())
        total += int(inside.sum())
    return best, 100 * correct / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--images', type=int, default=40)
    parser.add_argument('--image-size', type=int, default=128)
    parser.add_argument('--noise', type=float, default=0.2)
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as root:
        make_synthetic_parts(
            root, num_images=args.images, seed=0, image_size=args.image_size, val_fraction=0.1)
        objects = objects_of(root, args.noise)
        images = len(ObjectsFile.load(f'{root}/annotations/objects_train.json').images)
    rows = [('none (the noisy labels)', lambda image, noisy, k: noisy),
            ('windowed (torch, 7x7 window) - baseline', refine_part_labels),
            ('dense (pydensecrf), the authors\' kernels (bilateral sxy 20)',
             refine_part_labels_dense),
            ('dense, bilateral sxy 5 (20 at 512 px, scaled to 128 px)',
             partial(refine_part_labels_dense, bilateral_sxy=5.0))]
    results = {}
    for name, refine in rows:
        results[name] = measure(refine, objects, args.repeats)
    base = results[rows[1][0]][0]
    print(f'{len(objects)} objects of the {images} train images of {args.image_size} px, '
          f'{100 * args.noise:.0f}% of object pixels relabelled at random; 1 thread')
    print('| refinement | ms per object | ms per image | time vs windowed | '
          'pixels right after it |')
    print('|---|---|---|---|---|')
    for name, (seconds, accuracy) in results.items():
        per_image = 1000 * seconds * len(objects) / images
        print(f'| {name} | {1000 * seconds:.2f} | {per_image:.2f} | {seconds / base:.2f}x | '
              f'{accuracy:.1f}% |')


if __name__ == '__main__':
    main()
