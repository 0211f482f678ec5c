"""The Cityscapes-Panoptic-Parts converter on uid label images written here."""
import subprocess
import sys
from pathlib import Path

import numpy as np

from real_format_fixtures import make_cityscapes_parts

from mmpartdistill.datasets import ObjectsFile, PartsFile
from mmpartdistill.datasets.converters import decode_uids

ROOT = Path(__file__).resolve().parents[2]


def test_decode_uids_follows_the_encoding():
    sid, iid, pid = decode_uids(np.array([23, 26, 26002, 2401002, 2610005]))
    assert sid.tolist() == [23, 26, 26, 24, 26]
    assert iid.tolist() == [-1, -1, 2, 10, 100]
    assert pid.tolist() == [-1, -1, -1, 2, 5]


def test_cityscapes_parts_convert_instance_by_instance(tmp_path):
    make_cityscapes_parts(tmp_path)
    result = subprocess.run([
        sys.executable,
        str(ROOT / 'tools/dataset_converters/cityscapes_panoptic_parts.py'), '--root',
        str(tmp_path), '--split', 'val'
    ],
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    log = result.stdout
    assert 'val: 1 images, 2 objects, 3 parts' in log
    assert 'skipped 1 (instance without parts): aachen_000000_000019 car 3' in log
    assert 'skipped 1 (label not in the panoptic-parts encoding)' in log and 'mode RGB' in log
    assert 'skipped 1 (image file missing): bremen_000000_000019' in log

    objects = ObjectsFile.load(str(tmp_path / 'annotations/objects_val.json'))
    parts = PartsFile.load(str(tmp_path / 'annotations/parts_val.json'), objects)
    assert [i['file_name']
            for i in objects.images.values()] == ['aachen/aachen_000000_000019_leftImg8bit.png']
    by_class = {objects.categories[o['category_id']]['name']: i for i, o in objects.objects.items()}
    person, car = by_class['person'], by_class['car']
    assert objects.mask(person).sum() == 14 * 6  # torso + head + void-part pixels
    names = {
        parts.categories[a['category_id']]['name']: m.sum()
        for a, m in zip(parts.parts_by_object[person], parts.part_masks(person))
    }
    assert names == {'person torso': 8 * 6, 'person head': 4 * 6}
    assert [parts.categories[a['category_id']]['name']
            for a in parts.parts_by_object[car]] == ['car wheel']
