"""Cityscapes-Panoptic-Parts (hierarchical uid label images) -> the objects + parts format.

Each ``*_gtFinePanopticParts.tif`` holds one int32 universal id per pixel:
up to 2 digits = semantic id (sid); 4-5 digits = sid * 1000 + instance id
(iid); 6-7 digits = sid * 100000 + iid * 100 + part id (pid, 0 = void part).
3-digit uids, negative ones and those over 7 digits are outside the encoding,
as the official ``panoptic_parts.decode_uids`` rules (the tests hold this
decoder and the part lists to that package's own encoder and dataset spec).
Objects are the (sid, iid) instances of the classes with parts.
"""
import glob
import os.path as osp
from typing import Dict, List, Tuple

import numpy as np
from mmengine.utils import track_iter_progress
from PIL import Image

from .format_builder import PartsFormatBuilder
from .image_check import readable_image
from .summary import ConversionSummary, require_inputs

# Cityscapes label id -> (class, part names by pid 1, 2, ...)
PART_CLASSES: Dict[int, Tuple[str, Tuple[str, ...]]] = {
    24: ('person', ('torso', 'head', 'arm', 'leg')),
    25: ('rider', ('torso', 'head', 'arm', 'leg')),
    26: ('car', ('window', 'wheel', 'light', 'license plate', 'chassis')),
    27: ('truck', ('window', 'wheel', 'light', 'license plate', 'chassis')),
    28: ('bus', ('window', 'wheel', 'light', 'license plate', 'chassis')),
}
LABEL_SUFFIX = '_gtFinePanopticParts.tif'
IMAGE_SUFFIX = '_leftImg8bit.png'


class LabelEncodingError(ValueError):
    """A label image is not in the panoptic-parts uid encoding; the message says why."""


def decode_uids(uids: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sid, iid, pid) per pixel; iid and pid are -1 where the uid has none."""
    uids = uids.astype(np.int64)
    has_parts, has_instance = uids >= 100000, uids >= 1000
    sid = np.where(has_parts, uids // 100000, np.where(has_instance, uids // 1000, uids))
    iid = np.where(has_parts, uids // 100 % 1000, np.where(has_instance, uids % 1000, -1))
    pid = np.where(has_parts, uids % 100, -1)
    return sid, iid, pid


def read_label(path: str) -> np.ndarray:
    """The uid image of a label file, checked against the encoding."""
    try:
        with Image.open(path) as image:
            if image.mode not in ('I', 'I;32', 'I;16'):
                raise LabelEncodingError(f'mode {image.mode}, not a 32-bit integer uid image')
            uids = np.asarray(image, dtype=np.int64)
    except OSError as e:
        raise LabelEncodingError(f'unreadable ({type(e).__name__})') from None
    if uids.min() < 0 or uids.max() > 9999999:
        raise LabelEncodingError(f'uid {int(uids.max())} outside 0..9999999')
    three_digits = (uids >= 100) & (uids <= 999)
    if three_digits.any():
        raise LabelEncodingError(f'uid {int(uids[three_digits][0])} has 3 digits, which the '
                                 'encoding does not allow')
    sid, _, pid = decode_uids(uids)
    bad = (pid > 0) & ~np.isin(sid, list(PART_CLASSES))
    if bad.any():
        raise LabelEncodingError(f'part ids on class {int(sid[bad][0])}, which has no parts')
    too_high = [(s, p) for s, (_, names) in PART_CLASSES.items() for p in np.unique(pid[sid == s])
                if p > len(names)]
    if too_high:
        raise LabelEncodingError(f'part id {too_high[0][1]} of class {too_high[0][0]} is undefined')
    return uids


def label_image_pairs(label_dir: str, image_dir: str) -> List[Tuple[str, str, str]]:
    """(name, label path, image path) of every label file under ``label_dir/<city>/``."""
    pairs = []
    for label in sorted(glob.glob(osp.join(label_dir, '*', '*' + LABEL_SUFFIX))):
        city = osp.basename(osp.dirname(label))
        name = osp.basename(label)[:-len(LABEL_SUFFIX)]
        pairs.append((name, label, osp.join(image_dir, city, name + IMAGE_SUFFIX)))
    return pairs


def convert_cityscapes_panoptic_parts(label_dir: str, image_dir: str,
                                      name: str) -> Tuple[dict, dict, ConversionSummary]:
    """Convert one split (``gtFinePanopticParts/<split>`` with ``leftImg8bit/<split>``).

    File names in the output are ``<city>/<image>_leftImg8bit.png``. Instances
    with no labelled part pixel, unreadable images and label files outside the
    encoding are skipped, counted and named.
    """
    require_inputs(label_folder=label_dir, image_folder=image_dir)
    summary = ConversionSummary(name)
    classes = sorted(PART_CLASSES)
    part_ids = {
        (sid, pid): i + 1
        for i, (sid, pid) in enumerate((sid, pid) for sid in classes
                                       for pid in range(1,
                                                        len(PART_CLASSES[sid][1]) + 1))
    }
    builder = PartsFormatBuilder()
    for image_name, label_path, image_path in track_iter_progress(
            label_image_pairs(label_dir, image_dir)):
        problem = readable_image(image_path)
        if problem:
            summary.skip(problem, image_name)
            continue
        try:
            uids = read_label(label_path)
        except LabelEncodingError as e:
            summary.skip('label not in the panoptic-parts encoding', f'{label_path}: {e}')
            continue
        sid, iid, pid = decode_uids(uids)
        instances = []
        for s in classes:
            for i in np.unique(iid[(sid == s) & (iid >= 0)]):
                instance = (sid == s) & (iid == i)
                labelled = [(p, instance & (pid == p)) for p in np.unique(pid[instance]) if p > 0]
                if labelled:
                    instances.append((s, instance, labelled))
                else:
                    summary.skip('instance without parts',
                                 f'{image_name} {PART_CLASSES[s][0]} {int(i)}')
        if not instances:
            summary.skip('no instance with parts', image_name)
            continue
        city = osp.basename(osp.dirname(image_path))
        image_id = builder.add_image(f'{city}/{image_name}{IMAGE_SUFFIX}', int(uids.shape[0]),
                                     int(uids.shape[1]))
        for s, instance, labelled in instances:
            object_id = builder.add_object(image_id, classes.index(s) + 1, instance)
            for p, mask in labelled:
                builder.add_part(object_id, part_ids[(s, int(p))], mask)
                summary.parts_per_class[PART_CLASSES[s][0]] += 1
        summary.images += 1
        summary.objects += len(instances)
    objects_file, parts_file = builder.files(
        f'Cityscapes-Panoptic-Parts {name}, converted by mmpartdistill',
        [dict(id=k + 1, name=PART_CLASSES[s][0]) for k, s in enumerate(classes)], [
            dict(
                id=i,
                name=f'{PART_CLASSES[s][0]} {PART_CLASSES[s][1][p - 1]}',
                supercategory=PART_CLASSES[s][0],
                part_id=p - 1) for (s, p), i in part_ids.items()
        ])
    summary.require_content(label_dir)
    return objects_file, parts_file, summary
