"""The Cityscapes-Panoptic-Parts converter on uid label images written here."""
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from mmpartdistill.datasets import ObjectsFile, PartsFile
from mmpartdistill.datasets.converters import decode_uids

ROOT = Path(__file__).resolve().parents[2]
H, W = 20, 30


def write(root, city, name, uids=None, image=True, rgb_label=False):
    labels = root / 'gtFinePanopticParts/val' / city
    images = root / 'leftImg8bit/val' / city
    labels.mkdir(parents=True, exist_ok=True)
    images.mkdir(parents=True, exist_ok=True)
    path = labels / f'{name}_gtFinePanopticParts.tif'
    if rgb_label:
        Image.fromarray(np.zeros((H, W, 3), np.uint8)).save(path)
    else:
        Image.fromarray(uids.astype(np.int32), mode='I').save(path)
    if image:
        cv2.imwrite(str(images / f'{name}_leftImg8bit.png'), np.full((H, W, 3), 70, np.uint8))


def test_decode_uids_follows_the_encoding():
    sid, iid, pid = decode_uids(np.array([23, 26, 26002, 2401002, 2610005]))
    assert sid.tolist() == [23, 26, 26, 24, 26]
    assert iid.tolist() == [-1, -1, 2, 10, 100]
    assert pid.tolist() == [-1, -1, -1, 2, 5]


def test_cityscapes_parts_convert_instance_by_instance(tmp_path):
    uids = np.full((H, W), 7, np.int64)  # road
    uids[2:10, 2:8] = 2401001  # person 10, torso
    uids[10:14, 2:8] = 2401002  # person 10, head
    uids[14:16, 2:8] = 2401000  # person 10, void part: object, not part
    uids[2:12, 15:28] = 2600202  # car 2, wheel
    uids[12:18, 15:28] = 26003  # car 3: instance without parts
    write(tmp_path, 'aachen', 'aachen_000000_000019', uids)
    write(tmp_path, 'aachen', 'aachen_000001_000019', rgb_label=True)
    write(tmp_path, 'bremen', 'bremen_000000_000019', uids, image=False)
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
