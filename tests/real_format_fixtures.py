"""Tiny datasets in the released on-disk formats of PartImageNet, Pascal-Part and
Cityscapes-Panoptic-Parts, for the converter and benchmark-config tests."""
import json
import struct
import zlib

import cv2
import numpy as np
from PIL import Image
from scipy.io import savemat

CATEGORIES = [
    dict(id=0, name='Quadruped Head', supercategory='Quadruped'),
    dict(id=1, name='Quadruped Body', supercategory='Quadruped'),
    dict(id=2, name='Car Body', supercategory='Car'),
    dict(id=3, name='Car Tier', supercategory='Car'),
]


def box(x1, y1, x2, y2):
    """A rectangle as a COCO polygon."""
    return [[x1, y1, x2, y1, x2, y2, x1, y2]]


def write_split(root, split, images, annotations):
    (root / 'images' / split).mkdir(parents=True)
    for image in images:
        path = root / 'images' / split / image['file_name']
        if image.get('corrupt'):
            path.write_bytes(b'\xff\xd8\xff\xe0 not really a jpeg')
        elif not image.get('missing'):
            cv2.imwrite(str(path), np.full((image['height'], image['width'], 3), 90, np.uint8))
    (root / 'annotations').mkdir(exist_ok=True)
    records = [{
        k: v
        for k, v in i.items() if k in ('id', 'file_name', 'width', 'height')
    } for i in images]
    (root / 'annotations' / f'{split}.json').write_text(
        json.dumps(dict(images=records, annotations=annotations, categories=CATEGORIES)))


def make_partimagenet(root):
    write_split(root, 'train', [dict(id=1, file_name='n02085620_1.JPEG', width=40, height=30)], [
        dict(id=1, image_id=1, category_id=0, segmentation=box(2, 2, 10, 10), area=64, iscrowd=0),
        dict(id=2, image_id=1, category_id=1, segmentation=box(10, 2, 30, 20), area=360, iscrowd=0),
    ])
    # val and test reuse ids 1 and 2, as the released splits do
    write_split(root, 'val', [
        dict(id=1, file_name='n02814533_1.JPEG', width=50, height=40),
        dict(id=2, file_name='n02814533_2.JPEG', width=50, height=40, corrupt=True),
    ], [
        dict(id=1, image_id=1, category_id=2, segmentation=box(5, 5, 45, 30), area=1000, iscrowd=0),
        dict(id=2, image_id=1, category_id=3, segmentation=box(8, 30, 16, 38), area=64, iscrowd=0),
        dict(id=3, image_id=2, category_id=2, segmentation=box(5, 5, 45, 30), area=1000, iscrowd=0),
        dict(id=4, image_id=1, category_id=9, segmentation=box(0, 0, 3, 3), area=9, iscrowd=0),
    ])
    write_split(root, 'test', [
        dict(id=1, file_name='n02085620_7.JPEG', width=32, height=32),
        dict(id=2, file_name='n02085620_8.JPEG', width=32, height=32, missing=True),
    ], [
        dict(id=1, image_id=1, category_id=0, segmentation=box(0, 0, 8, 8), area=64, iscrowd=0),
        dict(id=2, image_id=2, category_id=0, segmentation=box(0, 0, 8, 8), area=64, iscrowd=0),
    ])


PASCAL_H, PASCAL_W = 30, 40


def struct_array(records, fields):
    """A 1 x N MATLAB struct array, as the release stores objects and parts."""
    array = np.empty((1, len(records)), dtype=[(f, 'O') for f in fields])
    for i, record in enumerate(records):
        for f in fields:
            array[0, i][f] = record[f]
    return array


def rect(y1, y2, x1, x2):
    mask = np.zeros((PASCAL_H, PASCAL_W), np.uint8)
    mask[y1:y2, x1:x2] = 1
    return mask


def write_pascal_image(folder, name, objects=None, mat=True, anno=True):
    cv2.imwrite(
        str(folder / 'JPEGImages' / f'{name}.jpg'), np.full((PASCAL_H, PASCAL_W, 3), 80, np.uint8))
    if not mat:
        return
    fields = ['class', 'class_ind', 'mask', 'parts']
    rows = []
    for cls, mask, parts in objects:
        part_rows = [dict(part_name=p, mask=m) for p, m in parts]
        rows.append({
            'class':
            cls,
            'class_ind':
            0,
            'mask':
            mask,
            'parts':
            struct_array(part_rows, ['part_name', 'mask']) if parts else np.zeros((0, 0))
        })
    record = np.empty((1, 1), dtype=[('imname', 'O'), ('objects', 'O')])
    record[0, 0]['imname'] = name
    record[0, 0]['objects'] = struct_array(rows, fields)
    savemat(str(folder / 'Annotations_Part' / f'{name}.mat'), {'anno' if anno else 'other': record})


def make_pascal_part(root):
    (root / 'JPEGImages').mkdir()
    (root / 'Annotations_Part').mkdir()
    dog = rect(5, 25, 5, 30)
    write_pascal_image(
        root,
        '2008_000001',
        [
            ('dog', dog, [('head', rect(5, 12, 5, 15)), ('lfleg', rect(18, 25, 5, 8)),
                          ('rfleg', rect(18, 25, 10, 13))]),
            ('chair', rect(0, 10, 30, 40), []),  # Pascal-Part does not split chairs
        ])
    write_pascal_image(root, '2008_000002',
                       [('cat', rect(0, 30, 0, 20), [('tail', rect(0, 5, 15, 20))])])
    write_pascal_image(root, '2008_000003', mat=False)
    write_pascal_image(root, '2008_000004', [('cat', rect(0, 3, 0, 3), [])], anno=False)
    (root / 'val.txt').write_text('2008_000001\n2008_000002\n2008_000003\n2008_000004\n')
    (root / 'merge.json').write_text(json.dumps({'dog': {'lfleg': 'leg', 'rfleg': 'leg'}}))


CITY_H, CITY_W = 20, 30


def write_city(root, city, name, uids=None, image=True, rgb_label=False, split='val'):
    labels = root / 'gtFinePanopticParts' / split / city
    images = root / 'leftImg8bit' / split / city
    labels.mkdir(parents=True, exist_ok=True)
    images.mkdir(parents=True, exist_ok=True)
    path = labels / f'{name}_gtFinePanopticParts.tif'
    if rgb_label:
        Image.fromarray(np.zeros((CITY_H, CITY_W, 3), np.uint8)).save(path)
    else:
        Image.fromarray(uids.astype(np.int32), mode='I').save(path)
    if image:
        cv2.imwrite(
            str(images / f'{name}_leftImg8bit.png'), np.full((CITY_H, CITY_W, 3), 70, np.uint8))


def make_cityscapes_parts(root):
    """One good val image, one RGB label, one label without its image."""
    uids = np.full((CITY_H, CITY_W), 7, np.int64)  # road
    uids[2:10, 2:8] = 2401001  # person 10, torso
    uids[10:14, 2:8] = 2401002  # person 10, head
    uids[14:16, 2:8] = 2401000  # person 10, void part: object, not part
    uids[2:12, 15:28] = 2600202  # car 2, wheel
    uids[12:18, 15:28] = 26003  # car 3: instance without parts
    write_city(root, 'aachen', 'aachen_000000_000019', uids)
    write_city(root, 'aachen', 'aachen_000001_000019', rgb_label=True)
    write_city(root, 'bremen', 'bremen_000000_000019', uids, image=False)


def make_cityscapes_parts_train(root, num_images=4):
    """Train images for few-shot fine-tuning: a person and a car with all their parts,
    placed differently in each image."""
    for i in range(num_images):
        uids = np.full((CITY_H, CITY_W), 7, np.int64)
        x = 1 + i
        for pid, (y0, y1) in enumerate([(2, 8), (8, 10), (10, 14), (14, 18)], 1):
            uids[y0:y1, x:x + 6] = 2401000 + pid  # person 10: torso, head, arm, leg
        for pid, (y0, y1) in enumerate([(2, 5), (5, 8), (8, 10), (10, 12), (12, 18)], 1):
            uids[y0:y1, 15 + i:27] = 2600200 + pid  # car 2: window .. chassis
        write_city(root, 'jena', f'jena_{i:06d}_000019', uids, split='train')


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width x height`` (and holds no pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + kind + data + struct.pack(
            '>I',
            zlib.crc32(kind + data) & 0xffffffff)

    ihdr = struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IEND', b'')
