"""Prediction files are held as compressed RLE: memory grows with the records'
RLE strings, not with H x W bytes a record."""
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from mmpartdistill.datasets import ObjectsFile, encode_mask
from mmpartdistill.datasets import load_predictions

ROOT = Path(__file__).resolve().parents[2]


def write_records(objects: ObjectsFile, count: int, path: Path) -> None:
    """``count`` records cycling over the objects, each a half of its object."""
    ids = sorted(objects.objects)
    halves = {}
    for oid in ids:
        mask = objects.mask(oid)
        rows = np.flatnonzero(mask.any(1))
        top = mask.copy()
        top[rows[len(rows) // 2]:] = 0
        halves[oid] = (encode_mask(top), encode_mask(mask - top))
    records = []
    for i in range(count):
        obj = objects.objects[ids[i % len(ids)]]
        part = i // len(ids) % 2
        records.append(
            dict(
                image_id=obj['image_id'],
                object_id=obj['id'],
                category_id=obj['category_id'],
                part_id=part,
                score=(i % 97) / 97,
                segmentation=halves[obj['id']][part]))
    path.write_text(json.dumps(records))


def test_masks_are_decoded_only_when_an_object_is_read(tmp_path, synthetic_root):
    objects = ObjectsFile.load(str(synthetic_root / 'annotations/objects_val.json'))
    write_records(objects, 6000, tmp_path / 'preds.json')
    tracemalloc.start()
    predictions = load_predictions(str(tmp_path / 'preds.json'), objects)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    image = next(iter(objects.images.values()))
    decoded = 6000 * image['height'] * image['width']
    assert peak < decoded / 2, f'{peak} bytes held for {decoded} bytes of masks'
    oid = sorted(objects.objects)[0]
    parts = predictions[oid]
    assert all(m.shape == (image['height'], image['width']) for _, _, m in parts)
    assert np.array_equal(sum(m for _, _, m in parts[:2]), objects.mask(oid))


@pytest.mark.slow
def test_scorer_stays_under_2gb_on_250k_records(tmp_path, synthetic_root):
    objects = ObjectsFile.load(str(synthetic_root / 'annotations/objects_val.json'))
    write_records(objects, 250_000, tmp_path / 'preds.json')
    script = ('import resource, runpy, sys; sys.argv = sys.argv[1:]; '
              "runpy.run_path(sys.argv[0], run_name='__main__'); "
              'print("peak_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)')
    run = subprocess.run([
        sys.executable, '-c', script,
        str(ROOT / 'tools/evaluate_parts.py'), '--parts',
        str(synthetic_root / 'annotations/parts_val.json'), '--objects',
        str(synthetic_root / 'annotations/objects_val.json'), '--pred',
        str(tmp_path / 'preds.json')
    ],
                         capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    peak_kb = int(run.stdout.split('peak_kb')[-1])
    assert peak_kb < 2 * 2**20, f'peak {peak_kb / 2**20:.2f} GB'
