"""Object-labelling shards of an image-folder dataset -> one objects file."""
from typing import List, Sequence, Tuple

from ..image_folder import ImageFolderClass, ImageFolderRecord
from ..objects_file import AnnotationFormatError, load_json
from .summary import ConversionSummary


def merge_object_shards(shard_paths: Sequence[str], classes: Sequence[ImageFolderClass],
                        records: Sequence[ImageFolderRecord],
                        split: str) -> Tuple[dict, ConversionSummary]:
    """The objects file of the labelled images and what was skipped.

    Image and object ids are the record's position + 1, so they do not
    depend on how the work was sharded or resumed. Categories are the
    classes (``synset`` = class folder), excluded ones left out.
    """
    summary = ConversionSummary(split)
    images: List[dict] = []
    objects: List[dict] = []
    seen = set()
    for path in shard_paths:
        for entry in read_shard(path):
            index = entry.get('index')
            if not isinstance(index, int) or not 0 <= index < len(records) or index in seen:
                raise AnnotationFormatError(f'{path}: record index {index!r} is out of range or '
                                            'repeated; delete the shard to relabel it')
            seen.add(index)
            record = records[index]
            if 'skip' in entry:
                summary.skip(entry['skip'], record.file_name)
                continue
            images.append(
                dict(
                    id=index + 1,
                    file_name=record.file_name,
                    width=entry['width'],
                    height=entry['height']))
            objects.append(
                dict(
                    id=index + 1,
                    image_id=index + 1,
                    category_id=record.class_index + 1,
                    iscrowd=0,
                    score=entry['score'],
                    segmentation=entry['segmentation'],
                    area=entry['area'],
                    bbox=entry['bbox']))
    missing = len(records) - len(seen)
    if missing:
        raise AnnotationFormatError(f'{missing} of {len(records)} images have no labelling record '
                                    'in the shards; run the labelling to the end first')
    images.sort(key=lambda r: r['id'])
    objects.sort(key=lambda r: r['id'])
    summary.images = summary.objects = len(images)
    categories = [
        dict(id=i + 1, name=cls.name, synset=cls.class_id) for i, cls in enumerate(classes)
    ]
    return dict(
        info=dict(description=f'{split}: one object per image, labelled by a detector'),
        images=images,
        annotations=objects,
        categories=categories), summary


def read_shard(path: str) -> list:
    entries = load_json(path, 'shard',
                        '; run the labelling to the end, or delete a broken shard to relabel it')
    if not isinstance(entries, list):
        raise AnnotationFormatError(f'{path}: expected a list of records; delete it to relabel')
    return entries
