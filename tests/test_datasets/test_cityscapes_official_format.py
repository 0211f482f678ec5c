"""The Cityscapes-Panoptic-Parts converter against the official format: labels
encoded by the `panoptic_parts` package itself, its decoder and its dataset spec."""
import importlib
import json
import platform
import sys
from pathlib import Path

import numpy as np
import pytest

from real_format_fixtures import CITY_H, CITY_W, write_city

from mmpartdistill.datasets import ObjectsFile, PartsFile
from mmpartdistill.datasets.converters import convert_cityscapes_panoptic_parts, decode_uids
from mmpartdistill.datasets.converters.cityscapes_panoptic_parts import PART_CLASSES


@pytest.fixture(scope='module')
def panoptic_parts():
    """The official package. Its 2.0rc6 refuses Python >= 3.10 at import (it
    reads '3.11' as 3.1), so the interpreter's version is shown as 3.9 while
    it loads; nothing else of it depends on the version."""
    real = platform.python_version
    platform.python_version = lambda: '3.9.0'
    try:
        for name in [m for m in sys.modules if m.startswith('panoptic_parts')]:
            del sys.modules[name]
        package = importlib.import_module('panoptic_parts')
        spec = importlib.import_module('panoptic_parts.specs.dataset_spec')
    finally:
        platform.python_version = real
    spec_file = Path(package.__file__).parent / 'specs/dataset_specs/cpp_datasetspec.yaml'
    return package, spec.DatasetSpec(str(spec_file))


def official_labels(pp) -> np.ndarray:
    """A street scene encoded with panoptic_parts.encode_ids: stuff, two people
    (one with a void part), a car with parts, a bus without parts, a rider
    labelled without an instance id."""
    sids = np.full((CITY_H, CITY_W), 7, np.int32)  # road
    iids = np.full_like(sids, -1)
    pids = np.full_like(sids, -1)

    def paint(rows, cols, sid, iid, pid=-1):
        sids[rows, cols], iids[rows, cols], pids[rows, cols] = sid, iid, pid

    paint(slice(2, 8), slice(1, 6), 24, 3, 1)  # person 3: torso
    paint(slice(8, 11), slice(1, 6), 24, 3, 2)  # head
    paint(slice(11, 14), slice(1, 6), 24, 3, 4)  # leg
    paint(slice(14, 16), slice(1, 6), 24, 3, 0)  # void part: object, no part
    paint(slice(2, 10), slice(7, 10), 24, 12, 3)  # person 12: arm
    paint(slice(10, 16), slice(7, 10), 24, 12, 4)  # leg
    paint(slice(2, 6), slice(12, 28), 26, 1, 1)  # car 1: window
    paint(slice(6, 12), slice(12, 28), 26, 1, 5)  # chassis
    paint(slice(12, 15), slice(12, 18), 26, 1, 2)  # wheel
    paint(slice(12, 15), slice(22, 28), 26, 1, 2)  # wheel
    paint(slice(16, 18), slice(12, 28), 28, 4)  # bus 4: no parts labelled
    paint(slice(18, 20), slice(0, 4), 25, -1)  # rider, no instance id
    return pp.encode_ids(sids, iids, pids)


def test_part_lists_match_the_official_dataset_spec(panoptic_parts):
    _, spec = panoptic_parts
    with_parts = {sid for sid in spec.sid2scene_class
                  if [p for p in spec.part_classes_from_sid(sid) if p != 'UNLABELED']}
    assert with_parts == set(PART_CLASSES)
    for sid, (name, parts) in PART_CLASSES.items():
        assert spec.scene_class_from_sid(sid) == name
        official = [p for p in spec.part_classes_from_sid(sid) if p != 'UNLABELED']
        assert tuple(official) == parts, name
        for pid, part in enumerate(parts, 1):
            assert spec.sid_pid_from_scene_class_part_class(name, part) == sid * 100 + pid


def test_decoder_agrees_with_the_official_one(panoptic_parts):
    pp, _ = panoptic_parts
    uids = official_labels(pp)
    for ours, theirs in zip(decode_uids(uids), pp.decode_uids(uids)):
        assert np.array_equal(ours, theirs)


def test_every_object_and_part_mask_of_official_labels(panoptic_parts, tmp_path):
    pp, _ = panoptic_parts
    uids = official_labels(pp)
    write_city(tmp_path, 'ulm', 'ulm_000000_000019', uids)
    objects_json, parts_json, summary = convert_cityscapes_panoptic_parts(
        str(tmp_path / 'gtFinePanopticParts/val'), str(tmp_path / 'leftImg8bit/val'), 'val')
    assert (summary.images, summary.objects) == (1, 3)
    assert summary.skipped['instance without parts'] == ['ulm_000000_000019 bus 4']
    (tmp_path / 'objects.json').write_text(json.dumps(objects_json))
    (tmp_path / 'parts.json').write_text(json.dumps(parts_json))
    objects = ObjectsFile.load(str(tmp_path / 'objects.json'))
    parts = PartsFile.load(str(tmp_path / 'parts.json'), objects)
    sids, iids, pids = pp.decode_uids(uids)
    found = {}
    for obj_id, obj in objects.objects.items():
        name = objects.categories[obj['category_id']]['name']
        mask = objects.mask(obj_id).astype(bool)
        sid = next(s for s, (n, _) in PART_CLASSES.items() if n == name)
        iid = int(np.unique(iids[mask])[0])
        assert np.array_equal(mask, (sids == sid) & (iids == iid)), (name, iid)
        got = {}
        for ann, part_mask in zip(parts.parts_by_object[obj_id], parts.part_masks(obj_id)):
            part = parts.categories[ann['category_id']]['name']
            pid = PART_CLASSES[sid][1].index(part.split(' ', 1)[1]) + 1
            assert np.array_equal(part_mask.astype(bool), mask & (pids == pid)), part
            got[part] = int(part_mask.sum())
        found[(name, iid)] = got
    assert found == {
        ('person', 3): {'person torso': 30, 'person head': 15, 'person leg': 15},
        ('person', 12): {'person arm': 24, 'person leg': 18},
        ('car', 1): {'car window': 64, 'car chassis': 96, 'car wheel': 36},
    }


@pytest.mark.parametrize('uid', [500, 100, 999])
def test_uid_outside_the_encoding_is_refused_and_counted(panoptic_parts, tmp_path, uid):
    pp, _ = panoptic_parts
    uids = official_labels(pp)
    with pytest.raises(ValueError, match='3 digits'):
        pp.decode_uids(np.array([uid], np.int32))  # the official rule
    uids[0, 0] = uid
    write_city(tmp_path, 'ulm', 'ulm_000000_000019', uids)
    write_city(tmp_path, 'ulm', 'ulm_000001_000019', official_labels(pp))
    _, _, summary = convert_cityscapes_panoptic_parts(
        str(tmp_path / 'gtFinePanopticParts/val'), str(tmp_path / 'leftImg8bit/val'), 'val')
    assert summary.images == 1
    [skipped] = summary.skipped['label not in the panoptic-parts encoding']
    assert 'ulm_000000_000019' in skipped and f'uid {uid} has 3 digits' in skipped
