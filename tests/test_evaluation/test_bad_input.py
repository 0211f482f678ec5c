import copy
import json

import numpy as np
import pytest

from mmpartdistill.datasets import AnnotationFormatError, ObjectsFile, PartsFile, encode_mask
from mmpartdistill.datasets import load_predictions


def write(path, data):
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


@pytest.fixture()
def files(synthetic_root):
    objects = json.loads((synthetic_root / 'annotations/objects_val.json').read_text())
    parts = json.loads((synthetic_root / 'annotations/parts_val.json').read_text())
    return objects, parts


def load_parts(tmp_path, objects, parts):
    obj = ObjectsFile.load(write(tmp_path / 'objects.json', objects))
    return PartsFile.load(write(tmp_path / 'parts.json', parts), obj)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(AnnotationFormatError, match='nowhere.json: annotation file not found'):
        ObjectsFile.load(str(tmp_path / 'nowhere.json'))
    with pytest.raises(AnnotationFormatError, match='bad.json: not valid JSON'):
        ObjectsFile.load(write(tmp_path / 'bad.json', '{"images": ['))
    with pytest.raises(AnnotationFormatError, match='missing list field "annotations"'):
        ObjectsFile.load(write(tmp_path / 'partial.json', {'images': [], 'categories': []}))


def test_part_pointing_to_no_object(tmp_path, files):
    objects, parts = files
    parts['annotations'][0]['object_id'] = 987654
    with pytest.raises(
            AnnotationFormatError, match=r'parts.json: part annotation \d+ has object_id 987654'):
        load_parts(tmp_path, objects, parts)


def test_unknown_category_and_supercategory(tmp_path, files):
    objects, parts = files
    bad = copy.deepcopy(parts)
    bad['annotations'][0]['category_id'] = 999
    with pytest.raises(AnnotationFormatError, match='unknown category_id 999'):
        load_parts(tmp_path, objects, bad)
    bad = copy.deepcopy(parts)
    bad['categories'][0]['supercategory'] = 'spaceship'
    with pytest.raises(AnnotationFormatError, match="supercategory 'spaceship'"):
        load_parts(tmp_path, objects, bad)


def test_part_of_another_class(tmp_path, files):
    objects, parts = files
    ann = parts['annotations'][0]
    obj = next(o for o in objects['annotations'] if o['id'] == ann['object_id'])
    other = next(c for c in parts['categories'] if c['object_category_id'] != obj['category_id'])
    ann['category_id'] = other['id']
    with pytest.raises(AnnotationFormatError, match='a part of another class'):
        load_parts(tmp_path, objects, parts)


def test_empty_mask_and_duplicate_id(tmp_path, files):
    objects, parts = files
    bad = copy.deepcopy(objects)
    bad['annotations'][0]['area'] = 0
    with pytest.raises(
            AnnotationFormatError, match=r'objects.json: annotation \d+ has an empty mask'):
        ObjectsFile.load(write(tmp_path / 'objects.json', bad))
    bad = copy.deepcopy(objects)
    bad['annotations'][1]['id'] = bad['annotations'][0]['id']
    with pytest.raises(AnnotationFormatError, match='appears twice'):
        ObjectsFile.load(write(tmp_path / 'objects.json', bad))
    bad = copy.deepcopy(objects)
    del bad['annotations'][0]['segmentation']
    with pytest.raises(AnnotationFormatError, match='has no segmentation'):
        ObjectsFile.load(write(tmp_path / 'objects.json', bad))


def record_of(obj):
    """A prediction record of part 0 covering the whole object ``obj``."""
    return dict(
        image_id=obj['image_id'],
        object_id=obj['id'],
        category_id=obj['category_id'],
        part_id=0,
        score=1.0,
        segmentation=obj['segmentation'])


def test_prediction_file_errors(tmp_path, files):
    objects, _ = files
    obj_file = ObjectsFile.load(write(tmp_path / 'objects.json', objects))
    obj = objects['annotations'][0]
    record = record_of(obj)
    assert load_predictions(write(tmp_path / 'ok.json', [record]), obj_file)[obj['id']][0][0] == 0
    with pytest.raises(AnnotationFormatError, match=r"record 0 lacks \['score'\]"):
        load_predictions(
            write(tmp_path / 'p.json', [{
                k: v
                for k, v in record.items() if k != 'score'
            }]), obj_file)
    with pytest.raises(AnnotationFormatError, match='record 0 has object_id -5'):
        load_predictions(write(tmp_path / 'p.json', [dict(record, object_id=-5)]), obj_file)
    with pytest.raises(AnnotationFormatError, match='record 0 gives image'):
        load_predictions(write(tmp_path / 'p.json', [dict(record, category_id=-1)]), obj_file)
    small = dict(record, segmentation={'size': [2, 2], 'counts': '04'})
    with pytest.raises(AnnotationFormatError, match=r'record 0 has a mask of size \[2, 2\]'):
        load_predictions(write(tmp_path / 'p.json', [small]), obj_file)
    with pytest.raises(AnnotationFormatError, match='JSON list'):
        load_predictions(write(tmp_path / 'p.json', {'a': 1}), obj_file)


def wider_counts(record):
    """Compressed counts of a mask one column wider than the record's image."""
    height, width = record['segmentation']['size']
    return encode_mask(np.ones((height, width + 1), np.uint8))['counts']


@pytest.mark.parametrize('change, message', [
    (lambda r: [1, 2], r'record 0 is a list, not a JSON object'),
    (lambda r: dict(r, score=float('nan')), r'record 0 has score nan; scores must be finite'),
    (lambda r: dict(r, score=float('inf')), r'record 0 has score inf'),
    (lambda r: dict(r, score='0.9'), r"record 0 has score '0.9'"),
    (lambda r: dict(r, part_id=1.5), r'record 0 has part_id 1.5; it must be an integer'),
    (lambda r: dict(r, object_id=[1]), r'record 0 has object_id \[1\]'),
    (lambda r: dict(r, segmentation=dict(r['segmentation'], counts=[5, 7])),
     r'record 0: RLE counts sum to 12, not H x W'),
    (lambda r: dict(r, segmentation=dict(r['segmentation'], counts='0' * 3 + '\x7f')),
     r'record 0: RLE counts is not a compressed RLE string'),
    (lambda r: dict(r, segmentation=dict(r['segmentation'], counts=wider_counts(r))),
     r'record 0: RLE counts sum to'),
    (lambda r: dict(r, segmentation=[[1, 2, 3, 4]]), r'record 0: a polygon must be a list of'),
    (lambda r: dict(r, segmentation=[[1, 2, 3, 4, 5, 'x']]), r'record 0: a polygon holds a value'),
])
def test_malformed_prediction_records_are_named(tmp_path, files, change, message):
    objects, _ = files
    obj_file = ObjectsFile.load(write(tmp_path / 'objects.json', objects))
    record, good = record_of(objects['annotations'][0]), record_of(objects['annotations'][1])
    path = tmp_path / 'p.json'
    path.write_text(json.dumps([change(record), good]))
    with pytest.raises(AnnotationFormatError, match=message):
        load_predictions(str(path), obj_file)


@pytest.mark.parametrize('change, message', [
    (lambda a: 'not a record', r'annotation 0 is a str, not a JSON object'),
    (lambda a: dict(a, segmentation=dict(a['segmentation'], counts=[1, 2, 3])),
     r'annotation \d+: RLE counts sum to 6'),
    (lambda a: dict(a, segmentation=[[0, 0, 5, 5]]), r'annotation \d+: a polygon must be'),
])
def test_malformed_object_annotations_are_named(tmp_path, files, change, message):
    objects, _ = files
    objects['annotations'][0] = change(objects['annotations'][0])
    with pytest.raises(AnnotationFormatError, match='objects.json: ' + message):
        ObjectsFile.load(write(tmp_path / 'objects.json', objects))
