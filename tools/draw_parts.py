"""Draw part overlays (object outline, parts coloured by part id) from a prediction file.

With ``--proposals N`` each object gets a row of its top-N proposals instead,
one panel each, for overlapping part proposals (stage 2).
"""
import argparse
import os.path as osp

import cv2
import numpy as np

from mmpartdistill.datasets import AnnotationFormatError, ObjectsFile
from mmpartdistill.evaluation import load_predictions
from mmpartdistill.utils import atomic_writer
from mmpartdistill.visualization import draw_part_overlay, draw_proposal_panels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--pred', required=True, help='part prediction file')
    parser.add_argument('--objects', required=True, help='objects file the predictions refer to')
    parser.add_argument('--img-dir', required=True, help='folder of the images')
    parser.add_argument('--out', required=True, help='output folder for PNG overlays')
    parser.add_argument('--max-images', type=int, default=12)
    parser.add_argument(
        '--proposals',
        type=int,
        default=0,
        metavar='N',
        help='draw each object\'s top-N proposals in panels')
    args = parser.parse_args()
    objects = ObjectsFile.load(args.objects)
    predictions = load_predictions(args.pred, objects)
    drawn = 0
    for img_id, object_ids in sorted(objects.objects_by_image.items()):
        if not object_ids or drawn >= args.max_images:
            continue
        image_info = objects.images[img_id]
        path = osp.join(args.img_dir, image_info['file_name'])
        bgr = cv2.imread(path)
        if bgr is None:
            raise SystemExit(f'{path}: cannot read image {img_id}')
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        if args.proposals:
            canvas = np.concatenate([
                draw_proposal_panels(rgb, objects.mask(o), predictions.get(o, []), args.proposals)
                for o in object_ids
            ])
        else:
            canvas = draw_part_overlay(rgb, [(objects.mask(o), predictions.get(o, []))
                                             for o in object_ids])
        out_path = osp.join(args.out, osp.splitext(image_info['file_name'])[0] + '_parts.png')
        with atomic_writer(out_path, 'wb') as f:
            f.write(cv2.imencode('.png', cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR))[1].tobytes())
        drawn += 1
    print(f'{drawn} overlays written to {args.out}')


if __name__ == '__main__':
    try:
        main()
    except AnnotationFormatError as e:
        raise SystemExit(f'error: {e}') from None
