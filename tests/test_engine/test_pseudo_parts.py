"""Stage 1 end to end: tools/generate_pseudo_parts.py writes, resumes and merges shards."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mmpartdistill.datasets import AnnotationFormatError, ObjectsFile, PartsFile
from mmpartdistill.engine import merge_shards, read_shard

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/partdistill/pseudo-parts_mask2former_effnet-lite0_synthetic-parts.py'


def generate(workspace, out, *options):
    cmd = [
        sys.executable, ROOT / 'tools/generate_pseudo_parts.py', CONFIG, '--out', out,
        '--cfg-options', 'load_from=None', 'randomness.seed=0', 'test_cfg.shard_size=4',
        'test_dataloader.dataset.ann_file=annotations/objects_val.json', *options
    ]
    result = subprocess.run([str(c) for c in cmd], cwd=workspace, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.slow
def test_generate_resume_and_merge(workspace):
    out = workspace / 'out'
    generate(workspace, out)
    shards = sorted((out / 'shards').glob('shard_*.json'))
    assert len(shards) == 2  # 8 val images, 4 per shard
    objects = ObjectsFile.load(str(out / 'annotations/objects.json'))
    parts = PartsFile.load(str(out / 'annotations/pseudo_parts.json'), objects)
    source = ObjectsFile.load(str(workspace / 'data/synthetic_parts/annotations/objects_val.json'))
    assert set(objects.objects) == set(source.objects)
    for obj_id in objects.objects:
        mask = objects.mask(obj_id).astype(bool)
        assert (mask == source.mask(obj_id).astype(bool)).all()
        segments = parts.part_masks(obj_id).astype(bool)
        assert len(segments) <= 4
        assert not (segments & ~mask).any() and (segments.sum(0) <= 1).all()
        for segment in segments:  # parts under 5% of the object are dropped
            assert segment.sum() >= 0.05 * mask.sum()
    predictions = json.loads((out / 'pseudo_parts_predictions.json').read_text())
    assert len(predictions) == sum(len(v) for v in parts.parts_by_object.values())

    # resume: finished shards are kept as they are
    stamps = [s.stat().st_mtime_ns for s in shards]
    generate(workspace, out)
    assert [s.stat().st_mtime_ns for s in shards] == stamps
    # a lost shard is regenerated identically (deterministic for a seed on the CPU)
    before = shards[1].read_text()
    shards[1].unlink()
    generate(workspace, out)
    assert shards[1].read_text() == before
    # images loaded in the main process and by two loader workers: the same shards
    for workers in (0, 2):
        generate(workspace, workspace / f'out_w{workers}', f'test_dataloader.num_workers={workers}')
    for shard in shards:
        assert (workspace / 'out_w0/shards' / shard.name).read_text() == shard.read_text()
        assert (workspace / 'out_w2/shards' / shard.name).read_text() == shard.read_text()


def test_corrupted_shard_is_named(tmp_path):
    (tmp_path / 'shards').mkdir()
    bad = tmp_path / 'shards' / 'shard_000003.json'
    bad.write_text('{"images": [')
    with pytest.raises(AnnotationFormatError, match='shard_000003.json: corrupted pseudo-part'):
        merge_shards(str(tmp_path), {1: 'lamp'}, 4)
    bad.write_text('{"images": []}')
    with pytest.raises(AnnotationFormatError, match='lacks the list "objects"'):
        read_shard(str(bad))


@pytest.mark.slow
def test_objects_from_the_models_predictions(workspace):
    out = workspace / 'out_predicted'
    cmd = [
        sys.executable, ROOT / 'tools/generate_pseudo_parts.py', CONFIG, '--out', out,
        '--cfg-options', 'load_from=None', 'randomness.seed=0', 'test_cfg.crf_iters=2',
        'test_cfg.object_source=predictions', 'test_cfg.score_thr=0.0',
        'model.test_cfg.max_per_image=3',
        'test_dataloader.dataset.ann_file=annotations/objects_val.json'
    ]
    result = subprocess.run([str(c) for c in cmd], cwd=workspace, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    objects = ObjectsFile.load(str(out / 'annotations/objects.json'))
    parts = PartsFile.load(str(out / 'annotations/pseudo_parts.json'), objects)
    assert objects.objects, 'score_thr=0 keeps the top predictions'
    for obj_id, obj in objects.objects.items():
        assert obj_id // 10000 == obj['image_id']  # predicted objects: image_id * 10000 + rank
        assert len(parts.parts_by_object[obj_id]) <= 4
