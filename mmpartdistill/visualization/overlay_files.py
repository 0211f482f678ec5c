"""Overlay PNGs of a split's part predictions, one per image."""
import os.path as osp

import cv2
import numpy as np

from ..datasets.objects_file import ObjectsFile
from ..evaluation.part_predictions import PredictionsByObject
from ..utils import atomic_writer
from .part_overlay import draw_part_overlay
from .proposal_panels import draw_proposal_panels


def write_png(rgb: np.ndarray, path: str) -> None:
    with atomic_writer(path, 'wb') as f:
        f.write(cv2.imencode('.png', cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))[1].tobytes())


def write_part_overlays(objects: ObjectsFile,
                        predictions: PredictionsByObject,
                        img_dir: str,
                        out_dir: str,
                        max_images: int = 12,
                        proposals: int = 0) -> int:
    """Write ``<image name>_parts.png`` for the first ``max_images`` images with
    objects: parts coloured by part id (or, with ``proposals=N``, each
    object's top-N proposals in panels). Returns the number written."""
    drawn = 0
    for img_id, object_ids in sorted(objects.objects_by_image.items()):
        if not object_ids or drawn >= max_images:
            continue
        image_info = objects.images[img_id]
        path = osp.join(img_dir, image_info['file_name'])
        bgr = cv2.imread(path)
        if bgr is None:
            raise FileNotFoundError(f'{path}: cannot read image {img_id}')
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        if proposals:
            canvas = np.concatenate([
                draw_proposal_panels(rgb, objects.mask(o), predictions.get(o, []), proposals)
                for o in object_ids
            ])
        else:
            canvas = draw_part_overlay(rgb, [(objects.mask(o), predictions.get(o, []))
                                             for o in object_ids])
        write_png(canvas, osp.join(out_dir,
                                   osp.splitext(image_info['file_name'])[0] + '_parts.png'))
        drawn += 1
    return drawn
