"""A browsable part gallery for manual evaluation: what was discovered, per class.

``write_part_gallery`` writes a static site: ``index.html`` (paged, with a
search over every class in ``classes.js``), ``classes/<id>.html`` per object
class with a strip of the best examples of each part cluster (the object's
crop with the part highlighted, highest score first), the paper's rating
form on every class page, and ``gallery.json`` (what was shown and left out).
"""
import html
import json
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np
from pycocotools import mask as mask_utils

from ..datasets.objects_file import ObjectsFile
from ..datasets.part_palette import part_colour
from ..utils import atomic_write_json, atomic_writer
from .gallery_html import SEARCH_SCRIPT, class_page, index_name, index_page, notice
from .gallery_records import GalleryParts


class ImageCache:
    """The last few images read, RGB; None for a missing or unreadable one."""

    def __init__(self, img_dir: str, size: int = 16) -> None:
        self.img_dir, self.size = img_dir, size
        self.images: 'OrderedDict[str, Optional[np.ndarray]]' = OrderedDict()

    def __call__(self, file_name: str) -> Optional[np.ndarray]:
        if file_name not in self.images:
            bgr = cv2.imread(osp.join(self.img_dir, file_name), cv2.IMREAD_COLOR)
            self.images[file_name] = None if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            if len(self.images) > self.size:
                self.images.popitem(last=False)
        self.images.move_to_end(file_name)
        return self.images[file_name]


def part_crop(image: np.ndarray, object_mask: np.ndarray, part_mask: np.ndarray,
              colour: np.ndarray, size: int, context: float = 0.15) -> np.ndarray:
    """The object's box (with ``context``) resized to fit ``size``: the rest of
    the image dimmed, the part tinted in ``colour`` and outlined."""
    ys, xs = np.nonzero(object_mask)
    h, w = object_mask.shape
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    pad = int(context * max(y1 - y0, x1 - x0))
    y0, y1, x0, x1 = max(0, y0 - pad), min(h, y1 + pad), max(0, x0 - pad), min(w, x1 + pad)
    crop = image[y0:y1, x0:x1].astype(np.float32)
    obj, part = object_mask[y0:y1, x0:x1], part_mask[y0:y1, x0:x1].astype(bool)
    crop[~obj] *= 0.35
    crop[part] = 0.45 * crop[part] + 0.55 * colour
    scale = size / max(crop.shape[:2])
    out_size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    crop = cv2.resize(crop.clip(0, 255).astype(np.uint8), out_size, interpolation=cv2.INTER_AREA)
    edge = cv2.resize(part.astype(np.uint8), out_size, interpolation=cv2.INTER_NEAREST)
    contours, _ = cv2.findContours(edge, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(crop, contours, -1, tuple(int(c) for c in colour), 1)
    return crop


def write_jpeg(rgb: np.ndarray, path: str) -> None:
    with atomic_writer(path, 'wb') as f:
        f.write(cv2.imencode('.jpg', cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                             [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes())


def class_strips(cat_id: int, parts: GalleryParts, objects: ObjectsFile, images: ImageCache,
                 out_dir: str, per_part: int, size: int) -> Tuple[str, int, List[str]]:
    """The HTML strips of one class, the number of examples drawn, and the
    images that could not be read."""
    strips, drawn, missing = [], 0, []
    for part_id, found in sorted(parts.by_class.get(cat_id, {}).items()):
        best = sorted(found, key=lambda f: (-f[0], f[1]))[:per_part]
        name = parts.part_names.get((cat_id, part_id), f'part {part_id}')
        tiles = []
        for rank, (score, obj_id, rle) in enumerate(best):
            obj = objects.objects[obj_id]
            file_name = objects.images[obj['image_id']]['file_name']
            image = images(file_name)
            object_mask = objects.mask(obj_id).astype(bool)
            if image is None or image.shape[:2] != object_mask.shape:
                missing.append(file_name)
                why = 'missing or unreadable' if image is None else 'of another size than its mask'
                tiles.append(f'<figure><div class="missing">image {why}: '
                             f'{html.escape(file_name)}</div>object {obj_id}</figure>')
                continue
            rel = f'assets/{cat_id}/p{part_id}_{rank}.jpg'
            write_jpeg(part_crop(image, object_mask, mask_utils.decode(rle), part_colour(part_id),
                                 size), osp.join(out_dir, rel))
            drawn += 1
            tiles.append(f'<figure><img src="../{rel}" alt="object {obj_id}, {html.escape(name)}">'
                         f'{score:.2f}</figure>')
        strips.append(f'<section class="cluster"><h3>{html.escape(name)}: {len(found)} parts, '
                      f'best {len(best)}</h3><div class="strip">{"".join(tiles)}</div></section>')
    return ''.join(strips), drawn, missing


def write_part_gallery(objects: ObjectsFile,
                       parts: GalleryParts,
                       img_dir: str,
                       out_dir: str,
                       per_part: int = 8,
                       classes_per_page: int = 200,
                       size: int = 96,
                       title: str = 'Discovered parts') -> Dict[str, object]:
    """Write the gallery of ``parts`` to ``out_dir``; returns what ``gallery.json`` holds."""
    os.makedirs(osp.join(out_dir, 'classes'), exist_ok=True)
    gallery_id = osp.abspath(parts.source)
    images = ImageCache(img_dir)
    objects_of: Dict[int, int] = {}
    for obj in objects.objects.values():
        objects_of[obj['category_id']] = objects_of.get(obj['category_id'], 0) + 1
    rows, unread, shown_problems = [], set(), dict(parts.problems)
    for cat_id, cat in sorted(objects.categories.items(), key=lambda c: str(c[1]['name'])):
        strips, drawn, missing = class_strips(cat_id, parts, objects, images, out_dir, per_part,
                                              size)
        unread.update(missing)
        k = len(parts.by_class.get(cat_id, {}))
        empty = None
        if not k:
            empty = (f'No parts of {cat["name"]} are in {parts.source}: nothing was discovered '
                     f'for its {objects_of.get(cat_id, 0)} objects.')
        problems = notice({'images missing or unreadable': sorted(set(missing))},
                          {'images missing or unreadable': len(missing)} if missing else {})
        href = f'classes/{cat_id}.html'
        page = class_page(str(cat['name']), strips, problems, '../index.html', gallery_id, empty)
        with atomic_writer(osp.join(out_dir, href)) as f:
            f.write(page)
        rows.append(dict(name=str(cat['name']), href=href, objects=objects_of.get(cat_id, 0),
                         k=k, examples=drawn))
    skipped = dict(parts.skipped)
    if unread:
        skipped['images missing or unreadable'] = len(unread)
        shown_problems['images missing or unreadable'] = sorted(unread)[:5]
    problems = notice(shown_problems, skipped)
    search = [[r['name'], r['href'], r['objects'], r['k']] for r in rows]
    with atomic_writer(osp.join(out_dir, 'classes.js')) as f:
        f.write('const CLASSES=' + json.dumps(search) + ';\n')
    pages = max(1, -(-len(rows) // classes_per_page))
    for p in range(pages):
        text = index_page(title, rows[p * classes_per_page:(p + 1) * classes_per_page], p, pages,
                          problems, SEARCH_SCRIPT)
        text = text.replace('<script>', '<script src="classes.js"></script><script>', 1)
        with atomic_writer(osp.join(out_dir, index_name(p))) as f:
            f.write(text)
    summary = dict(source=gallery_id, kind=parts.kind, classes=len(rows), index_pages=pages,
                   examples=sum(r['examples'] for r in rows),
                   empty_classes=[r['name'] for r in rows if not r['k']], skipped=skipped,
                   problems=shown_problems)
    atomic_write_json(summary, osp.join(out_dir, 'gallery.json'))
    return summary
