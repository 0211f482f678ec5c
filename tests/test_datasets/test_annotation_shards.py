"""Annotation files read once, and as folders of shards: the same records as one file."""
import json

import pytest

from mmpartdistill.datasets import (AnnotationFormatError, ObjectsDataset, ObjectsFile, PartsFile,
                                    PseudoPartsDataset)


def write_shards(source, folder, parts=3):
    """``source`` split into ``parts`` files of consecutive images (their annotations with them)."""
    data = json.loads(source.read_text())
    folder.mkdir()
    images = data['images']
    step = -(-len(images) // parts)
    for j in range(parts):
        mine = images[j * step:(j + 1) * step]
        ids = {img['id'] for img in mine}
        shard = dict(data, images=mine,
                     annotations=[a for a in data['annotations'] if a['image_id'] in ids])
        (folder / f'part_{j:03d}.json').write_text(json.dumps(shard))
    return folder


def with_part_ids(source, path):
    """The parts file with each part category's index in its class as ``part_id``
    (as stage 3's ranked parts have)."""
    data = json.loads(source.read_text())
    seen = {}
    for cat in data['categories']:
        cat['part_id'] = seen[cat['supercategory']] = seen.get(cat['supercategory'], -1) + 1
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def shards(synthetic_root, tmp_path):
    ann = synthetic_root / 'annotations'
    parts = with_part_ids(ann / 'parts_val.json', tmp_path / 'parts_val.json')
    return dict(
        objects=write_shards(ann / 'objects_val.json', tmp_path / 'objects'),
        parts=write_shards(parts, tmp_path / 'parts'),
        objects_file=ann / 'objects_val.json', parts_file=parts)


def records(dataset):
    return [dataset.get_data_info(i) for i in range(len(dataset))]


def test_a_folder_of_shards_reads_as_its_file(synthetic_root, shards):
    one = ObjectsFile.load(str(shards['objects_file']))
    folder = ObjectsFile.load(str(shards['objects']))
    assert folder.images == one.images and folder.objects == one.objects
    assert folder.categories == one.categories
    parts = PartsFile.load(str(shards['parts']), folder)
    assert parts.parts_by_object == PartsFile.load(str(shards['parts_file']), one).parts_by_object
    common = dict(data_prefix=dict(img=str(synthetic_root / 'images')), pipeline=[])
    assert records(ObjectsDataset(ann_file=str(shards['objects']), **common)) == records(
        ObjectsDataset(ann_file=str(shards['objects_file']), **common))
    for specific in (False, True):
        from_folders = PseudoPartsDataset(
            ann_file=str(shards['parts']), objects_file=str(shards['objects']),
            class_specific=specific, **common)
        from_files = PseudoPartsDataset(
            ann_file=str(shards['parts_file']), objects_file=str(shards['objects_file']),
            class_specific=specific, **common)
        assert records(from_folders) == records(from_files)
        assert from_folders.metainfo == from_files.metainfo


def test_objects_dataset_parses_its_file_once(synthetic_root, tmp_path, monkeypatch):
    """Once, in the child process that makes the records (hence the log file)."""
    log = tmp_path / 'loads.txt'
    real = json.load

    def logged_load(f, **kwargs):
        with open(log, 'a') as out:
            out.write(f.name + '\n')
        return real(f, **kwargs)

    monkeypatch.setattr(json, 'load', logged_load)
    dataset = ObjectsDataset(
        ann_file=str(synthetic_root / 'annotations/objects_val.json'),
        data_prefix=dict(img=''), pipeline=[])
    assert len(dataset) > 0
    assert log.read_text().splitlines() == [str(synthetic_root / 'annotations/objects_val.json')]


def test_shards_that_disagree_are_named(shards, tmp_path):
    first, second = sorted(shards['objects'].glob('*.json'))[:2]
    data = json.loads(second.read_text())
    repeated = dict(data, images=data['images'] + json.loads(first.read_text())['images'][:1])
    second.write_text(json.dumps(repeated))
    with pytest.raises(AnnotationFormatError, match=f'{second}: image id .* is also in {first}'):
        ObjectsFile.load(str(shards['objects']))
    second.write_text(json.dumps(dict(data, categories=data['categories'][:1])))
    with pytest.raises(AnnotationFormatError, match=f'{second}: categories differ from those of'):
        ObjectsFile.load(str(shards['objects']))
    (tmp_path / 'empty').mkdir()
    with pytest.raises(AnnotationFormatError, match='empty: a folder of annotation shards holds'):
        ObjectsFile.load(str(tmp_path / 'empty'))
    second.write_text('{"images": [')
    with pytest.raises(AnnotationFormatError, match=f'{second}: not valid JSON'):
        ObjectsFile.load(str(shards['objects']))
