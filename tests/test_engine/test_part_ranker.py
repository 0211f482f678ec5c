"""PartRanker on a real (untrained) proposal model: files, format, resume, damage."""
import json
import logging
import shutil
import sys
from pathlib import Path

import pytest
from mmengine.logging import MMLogger

from mmpartdistill.datasets import (AnnotationFormatError, ObjectsDataset, ObjectsFile, PartsFile,
                                    PseudoPartsDataset)
from mmpartdistill.engine import PartRanker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'test_models'))
from test_part_proposal import build  # noqa: E402

PIPELINE = [
    dict(type='LoadImageFromFile', to_float32=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor', 'object_ids')),
]


def datasets(root):
    return {
        split:
        ObjectsDataset(
            data_root=str(root),
            ann_file=f'annotations/objects_{split}.json',
            data_prefix=dict(img='images/'),
            test_mode=True,
            pipeline=PIPELINE)
        for split in ('train', 'val')
    }


def ranker(out, **kwargs):
    args = dict(num_clusters=3, keep_score=0.0, part_score=0.0, shard_size=3, batch_size=2)
    args.update(kwargs)
    return PartRanker(str(out), **args)


@pytest.fixture(scope='module')
def ranked(synthetic_root, tmp_path_factory):
    out = tmp_path_factory.mktemp('ranking')
    model = build(max_per_object=12)
    summaries = ranker(out).run(model, datasets(synthetic_root), 'train')
    return out, model, summaries


def test_every_object_labelled_in_the_parts_format(synthetic_root, ranked):
    out, _, summaries = ranked
    for split in ('train', 'val'):
        labels = out / 'labels' / split
        objects = ObjectsFile.load(str(labels / 'annotations/objects.json'))
        truth = ObjectsFile.load(str(synthetic_root / f'annotations/objects_{split}.json'))
        assert set(objects.objects) == set(truth.objects)
        parts = PartsFile.load(str(labels / 'annotations/ranked_parts.json'), objects)
        assert summaries[split]['parts'] == sum(len(p) for p in parts.parts_by_object.values())
        for obj_id, anns in parts.parts_by_object.items():
            mask = objects.mask(obj_id).astype(bool)
            for ann in anns:
                assert 0 <= parts.categories[ann['category_id']]['part_id'] < 3
                assert not (parts.part_masks(obj_id).astype(bool) & ~mask).any()
        predictions = json.loads((labels / 'ranked_parts_predictions.json').read_text())
        assert len(predictions) == summaries[split]['parts']
    dataset = PseudoPartsDataset(
        ann_file=str(out / 'labels/train/annotations/ranked_parts.json'),
        objects_file=str(out / 'labels/train/annotations/objects.json'),
        num_parts=3,
        data_prefix=dict(img=str(synthetic_root / 'images')),
        pipeline=[])
    assert len(dataset) > 0 and len(dataset.metainfo['classes']) == 7 * 3
    assert (out / 'proposals/val_predictions.json').exists()


def test_rerun_resumes_to_the_same_labels(synthetic_root, ranked, tmp_path):
    out, model, _ = ranked
    copy = tmp_path / 'copy'
    shutil.copytree(out, copy)
    before = (copy / 'labels/train/annotations/ranked_parts.json').read_text()
    (copy / 'labels/train/shards/shard_000001.json').unlink()
    (copy / 'labels/train/annotations/ranked_parts.json').unlink()
    (copy / 'proposals/train/shard_000002.pt').unlink()
    shutil.rmtree(copy / 'features')
    (copy / 'centroids.npz').unlink()
    ranker(copy).run(model, datasets(synthetic_root), 'train')
    assert (copy / 'labels/train/annotations/ranked_parts.json').read_text() == before


def test_damaged_shard_is_named(synthetic_root, ranked, tmp_path):
    out, model, _ = ranked
    copy = tmp_path / 'copy'
    shutil.copytree(out, copy)
    (copy / 'centroids.npz').unlink()
    shutil.rmtree(copy / 'features')
    (copy / 'proposals/train/shard_000001.pt').write_bytes(b'not a shard')
    with pytest.raises(AnnotationFormatError, match='shard_000001.pt'):
        ranker(copy).run(model, datasets(synthetic_root), 'train')


def test_too_few_proposals_for_the_clusters_is_logged(synthetic_root, ranked, tmp_path):
    out, model, _ = ranked
    copy = tmp_path / 'copy'
    shutil.copytree(out / 'proposals', copy / 'proposals')
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        ranker(copy, num_clusters=50).run(model, datasets(synthetic_root), 'train')
    finally:
        logger.removeHandler(handler)
    assert any('fewer kept proposals than num_clusters=50' in r.getMessage() for r in records)
    with pytest.raises(ValueError, match="fit_split 'test'"):
        ranker(copy).run(model, datasets(synthetic_root), 'test')


def test_nothing_kept_labels_nothing(synthetic_root, ranked, tmp_path):
    out, model, _ = ranked
    copy = tmp_path / 'copy'
    shutil.copytree(out / 'proposals', copy / 'proposals')
    summaries = ranker(copy, keep_score=2.0).run(model, datasets(synthetic_root), 'train')
    assert summaries['train']['parts'] == summaries['val']['parts'] == 0
    assert summaries['train']['objects'] > 0


def test_rerun_with_other_settings_is_refused(synthetic_root, ranked, tmp_path):
    out, model, _ = ranked
    copy = tmp_path / 'copy'
    shutil.copytree(out, copy)
    before = (copy / 'centroids.npz').read_bytes()
    with pytest.raises(ValueError, match=r"made with other \['keep_score', 'num_clusters'\]"):
        ranker(copy, num_clusters=5, keep_score=0.9).run(model, datasets(synthetic_root), 'train')
    assert (copy / 'centroids.npz').read_bytes() == before


def test_proposals_of_other_features_are_refused(synthetic_root, ranked, tmp_path):
    out, model, _ = ranked
    copy = tmp_path / 'copy'
    shutil.copytree(out, copy)
    model.proposal_features = ('pixel_decoder', )
    try:
        with pytest.raises(ValueError, match=r"made with other \['proposal_features'\]"):
            ranker(copy).run(model, datasets(synthetic_root), 'train')
    finally:
        model.proposal_features = ('query', )
    # pooled features rank end to end, into their own folder
    model.proposal_features = ('query', 'pixel_decoder')
    try:
        summaries = ranker(tmp_path / 'pooled').run(model, datasets(synthetic_root), 'train')
    finally:
        model.proposal_features = ('query', )
    assert summaries['val']['parts'] > 0


def test_per_object_part_counts_give_each_class_its_own_k(synthetic_root, ranked, tmp_path):
    out, model, _ = ranked
    again = tmp_path / 'per_object'
    shutil.copytree(out / 'proposals', again / 'proposals')
    ranker(
        again, num_clusters=6, part_count='per_object').run(model, datasets(synthetic_root),
                                                            'train')
    objects = ObjectsFile.load(str(again / 'labels/train/annotations/objects.json'))
    parts = PartsFile.load(str(again / 'labels/train/annotations/ranked_parts.json'), objects)
    per_class = {}
    for cat in parts.categories.values():
        per_class.setdefault(cat['object_category_id'], []).append(cat['part_id'])
    counts = {c: len(ids) for c, ids in per_class.items()}
    assert all(sorted(ids) == list(range(len(ids))) for ids in per_class.values())
    assert all(1 <= k <= 6 for k in counts.values()) and len(set(counts.values())) > 1
    for anns in parts.parts_by_object.values():
        for ann in anns:
            cat = parts.categories[ann['category_id']]
            assert cat['part_id'] < counts[cat['object_category_id']]
    dataset = PseudoPartsDataset(
        ann_file=str(again / 'labels/train/annotations/ranked_parts.json'),
        objects_file=str(again / 'labels/train/annotations/objects.json'),
        class_specific=True,
        data_prefix=dict(img=str(synthetic_root / 'images')),
        pipeline=[])
    assert dataset.metainfo['parts_per_class'] == tuple(
        counts.get(c, 0) for c in sorted(objects.categories))
    with pytest.raises(ValueError, match='part_count must be one of'):
        ranker(tmp_path / 'x', part_count='elbow')


def test_part_counts_round_the_mean_within_bounds():
    from mmpartdistill.engine.ranking.part_counts import group_by_count, part_counts
    counts = part_counts({1: (10, 24), 2: (4, 2), 3: (3, 30), 4: (2, 5)}, max_parts=8)
    assert counts == {1: 2, 2: 1, 3: 8, 4: 3}, '2.4 -> 2, 0.5 -> 1 (at least), 10 -> 8, 2.5 -> 3'
    assert group_by_count(counts) == {2: [1], 1: [2], 8: [3], 3: [4]}


def test_kmeans_restarts_are_checked_and_recorded(synthetic_root, ranked, tmp_path):
    out, model, _ = ranked
    with pytest.raises(ValueError, match='kmeans_restarts must be >= 1, got 0'):
        ranker(tmp_path, kmeans_restarts=0)
    assert 'kmeans_restarts' not in json.loads((out / 'manifest.json').read_text())
    copy = tmp_path / 'copy'
    shutil.copytree(out, copy)
    with pytest.raises(ValueError, match=r"made with other \['kmeans_restarts'\]"):
        ranker(copy, kmeans_restarts=4).run(model, datasets(synthetic_root), 'train')
    fresh = tmp_path / 'fresh'
    shutil.copytree(out / 'proposals', fresh / 'proposals')
    ranker(fresh, kmeans_restarts=4).run(model, datasets(synthetic_root), 'train')
    assert json.loads((fresh / 'manifest.json').read_text())['kmeans_restarts'] == 4


def test_layout_weight_is_checked_recorded_and_clustered(synthetic_root, ranked, tmp_path):
    out, model, _ = ranked
    with pytest.raises(ValueError, match='layout_weight must be >= 0, got -1'):
        ranker(tmp_path, layout_weight=-1)
    assert 'layout_weight' not in json.loads((out / 'manifest.json').read_text())
    fresh = tmp_path / 'fresh'
    shutil.copytree(out / 'proposals', fresh / 'proposals')
    layout = ranker(fresh, layout_weight=0.5)
    layout.run(model, datasets(synthetic_root), 'train')
    assert json.loads((fresh / 'manifest.json').read_text())['layout_weight'] == 0.5
    plain, joint = ranker(out).load_centroids(), layout.load_centroids()
    dim = next(len(c[0]) for c in plain.values() if len(c))
    assert all(c.shape[1] == dim + 2 for c in joint.values() if len(c))
