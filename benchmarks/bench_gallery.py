"""How the part gallery grows with the number of object classes: seconds and
bytes per class, the size of the search list and of one index page, at
growing class counts of a generated objects file (2 objects of 2 parts per
class, 64 px images); the baseline is the smallest run.

    python benchmarks/bench_gallery.py [--classes 100 1000 4000]
"""
import argparse
import json
import os
import os.path as osp
import tempfile
import time

import cv2
import numpy as np

from mmpartdistill.datasets import ObjectsFile
from mmpartdistill.datasets.coco_rle import mask_to_coco_fields
from mmpartdistill.visualization import read_gallery_parts, write_part_gallery

SIZE = 64


def make_run(root: str, classes: int) -> None:
    """An objects file and a predictions file of ``classes`` classes."""
    rng = np.random.default_rng(0)
    os.makedirs(osp.join(root, 'images'), exist_ok=True)
    images, objects, predictions = [], [], []
    for c in range(classes):
        name = f'image_{c}.jpg'
        cv2.imwrite(
            osp.join(root, 'images', name), rng.integers(0, 255, (SIZE, SIZE, 3), dtype=np.uint8))
        images.append(dict(id=c, file_name=name, height=SIZE, width=SIZE))
        for o in range(2):
            mask = np.zeros((SIZE, SIZE), bool)
            mask[8 + 24 * o:28 + 24 * o, 8:56] = True
            obj_id = 2 * c + o
            objects.append(
                dict(id=obj_id, image_id=c, category_id=c, iscrowd=0, **mask_to_coco_fields(mask)))
            for k in range(2):
                part = mask.copy()
                part[:, 32 * (1 - k):32 * (2 - k)] = False
                predictions.append(
                    dict(
                        image_id=c,
                        object_id=obj_id,
                        category_id=c,
                        part_id=k,
                        score=float(rng.random()),
                        segmentation=mask_to_coco_fields(part)['segmentation']))
    categories = [dict(id=c, name=f'class {c:05d}') for c in range(classes)]
    with open(osp.join(root, 'objects.json'), 'w') as f:
        json.dump(dict(images=images, annotations=objects, categories=categories), f)
    with open(osp.join(root, 'predictions.json'), 'w') as f:
        json.dump(predictions, f)


def folder_bytes(folder: str) -> int:
    return sum(osp.getsize(osp.join(d, n)) for d, _, names in os.walk(folder) for n in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--classes', type=int, nargs='+', default=[100, 1000, 4000])
    args = parser.parse_args()
    rows = []
    for classes in args.classes:
        with tempfile.TemporaryDirectory() as root:
            make_run(root, classes)
            start = time.perf_counter()
            objects = ObjectsFile.load(osp.join(root, 'objects.json'))
            parts = read_gallery_parts(osp.join(root, 'predictions.json'), objects)
            summary = write_part_gallery(objects, parts, osp.join(root, 'images'),
                                         osp.join(root, 'site'))
            seconds = time.perf_counter() - start
            site = osp.join(root, 'site')
            rows.append(
                (classes, seconds, folder_bytes(site), osp.getsize(osp.join(site, 'classes.js')),
                 osp.getsize(osp.join(site, 'index.html')), summary['index_pages']))
    base = rows[0]
    print('| classes | s per class | vs smallest | site KB per class | search list B per class | '
          'one index page KB | index pages |')
    print('|---|---|---|---|---|---|---|')
    for classes, seconds, site, search, index, pages in rows:
        per_class = seconds / classes
        print(f'| {classes:,} | {per_class * 1000:.1f} ms | {per_class / (base[1] / base[0]):.2f}x '
              f'| {site / classes / 1024:.1f} | {search / classes:.0f} | {index / 1024:.1f} '
              f'| {pages} |')


if __name__ == '__main__':
    main()
