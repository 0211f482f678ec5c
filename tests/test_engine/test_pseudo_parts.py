"""Stage 1 end to end: tools/generate_pseudo_parts.py writes, resumes and merges shards."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mmpartdistill.datasets import (AnnotationFormatError, ObjectsFile, PartsFile, load_predictions,
                                    mask_to_coco_fields)
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
    # the windowed torch CRF instead of the authors' dense CRF: other segments, same objects
    generate(workspace, workspace / 'out_windowed', 'test_cfg.crf=windowed')
    windowed = sorted((workspace / 'out_windowed/shards').glob('shard_*.json'))
    assert [s.read_text() for s in windowed] != [s.read_text() for s in shards]
    # images loaded by two loader workers (the default, none on 2 cores): the same shards
    generate(workspace, workspace / 'out_w2', 'test_dataloader.num_workers=2')
    for shard in shards:
        assert (workspace / 'out_w2/shards' / shard.name).read_text() == shard.read_text()


@pytest.mark.parametrize('option, message', [
    ('test_cfg.crf=fancy', "crf must be 'dense', 'windowed' or None, got 'fancy'"),
    ('test_cfg.crf_kernels.sxy=3', "crf_kernels: ['sxy'] are not settings of crf='dense'"),
])
def test_crf_settings_are_checked(workspace, option, message):
    cmd = [
        sys.executable, ROOT / 'tools/generate_pseudo_parts.py', CONFIG, '--out',
        workspace / 'bad', '--cfg-options', 'load_from=None', option
    ]
    result = subprocess.run([str(c) for c in cmd], cwd=workspace, capture_output=True, text=True)
    assert result.returncode != 0 and message in result.stderr


def test_corrupted_shard_is_named(tmp_path):
    (tmp_path / 'shards').mkdir()
    bad = tmp_path / 'shards' / 'shard_000003.json'
    bad.write_text('{"images": [')
    with pytest.raises(AnnotationFormatError, match='shard_000003.json: corrupted pseudo-part'):
        merge_shards(str(tmp_path), {1: 'lamp'}, 4)
    bad.write_text('{"images": []}')
    with pytest.raises(AnnotationFormatError, match='lacks the list "objects"'):
        read_shard(str(bad))


def fake_shards(folder, shards=3, images_per_shard=2, size=16):
    """Pseudo-part shards of one object with two parts per image (classes 1 and 2)."""
    (folder / 'shards').mkdir(parents=True)
    image_id = 0
    for j in range(shards):
        shard = dict(images=[], objects=[], parts=[])
        for _ in range(images_per_shard):
            image_id += 1
            mask = np.zeros((size, size), bool)
            mask[2:12, 3:3 + image_id] = True
            shard['images'].append(
                dict(id=image_id, width=size, height=size, file_name=f'{image_id}.png'))
            shard['objects'].append(
                dict(id=10 * image_id, image_id=image_id, category_id=1 + image_id % 2,
                     iscrowd=0, **mask_to_coco_fields(mask)))
            for k, rows in enumerate((slice(2, 7), slice(7, 12))):
                part = np.zeros_like(mask)
                part[rows] = mask[rows]
                shard['parts'].append(
                    dict(image_id=image_id, object_id=10 * image_id, part_id=k,
                         **mask_to_coco_fields(part)))
        (folder / 'shards' / f'shard_{j:06d}.json').write_text(json.dumps(shard))


def test_merge_into_folders_reads_as_the_merged_files(tmp_path):
    classes = {1: 'lamp', 2: 'mug'}
    fake_shards(tmp_path / 'files')
    fake_shards(tmp_path / 'folders')
    assert merge_shards(str(tmp_path / 'files'), classes, 2) == merge_shards(
        str(tmp_path / 'folders'), classes, 2, images_per_file=3) == dict(
            images=6, objects=6, parts=12)
    files, folders = tmp_path / 'files', tmp_path / 'folders'
    assert sorted(p.name for p in (folders / 'annotations/objects').iterdir()) == [
        '000000.json', '000001.json']  # two shards (4 images), then one
    one = ObjectsFile.load(str(files / 'annotations/objects.json'))
    split = ObjectsFile.load(str(folders / 'annotations/objects'))
    assert split.images == one.images and split.objects == one.objects
    parts = PartsFile.load(str(files / 'annotations/pseudo_parts.json'), one)
    split_parts = PartsFile.load(str(folders / 'annotations/pseudo_parts'), split)
    assert split_parts.parts_by_object == parts.parts_by_object
    predictions = load_predictions(str(files / 'pseudo_parts_predictions.json'), one)
    split_predictions = load_predictions(str(folders / 'pseudo_parts_predictions'), split)
    assert predictions.records == split_predictions.records
    # merged again into fewer files, the folders hold those only
    merge_shards(str(folders), classes, 2, images_per_file=100)
    assert [p.name for p in (folders / 'annotations/pseudo_parts').iterdir()] == ['000000.json']


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
