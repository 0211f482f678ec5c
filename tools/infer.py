"""Part masks and overlays for images with a trained PartDistillation model.

    python tools/infer.py IMAGES... --config C --checkpoint P --out-dir D \\
        (--objects OBJ.json | --det-config DC --det-checkpoint DP [--det-score-thr T])

Objects come from an objects file (images matched by file name) or from an
MMDetection instance-segmentation model. Writes D/parts.json (per image, per
object, its parts as RLE masks with part id and score) and D/<image>_parts.png
(object outlines, parts coloured by part id, the same colour for the same
part of a class everywhere).
"""
import argparse

from mmpartdistill.apis import PartInferencer
from mmpartdistill.datasets import AnnotationFormatError


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('images', nargs='+')
    parser.add_argument('--config', required=True, help='part model config')
    parser.add_argument('--checkpoint', required=True, help='part model weights')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--objects', help='objects file with the images\' object masks')
    parser.add_argument('--det-config', help='MMDetection instance model config')
    parser.add_argument('--det-checkpoint', help='its weights')
    parser.add_argument('--det-score-thr', type=float, default=0.5)
    parser.add_argument('--device', default='cpu')
    args = parser.parse_args()
    if (args.objects is None) == (args.det_config is None):
        parser.error('give either --objects or --det-config (with --det-checkpoint)')
    inferencer = PartInferencer(args.config, args.checkpoint, args.device, args.det_config,
                                args.det_checkpoint, args.det_score_thr)
    results = inferencer(args.images, args.objects, args.out_dir)
    parts = sum(len(o['parts']) for r in results for o in r['objects'])
    print(f'{len(results)} images, {sum(len(r["objects"]) for r in results)} objects, {parts} '
          f'parts written to {args.out_dir}')


if __name__ == '__main__':
    try:
        main()
    except (AnnotationFormatError, FileNotFoundError, ValueError) as e:
        raise SystemExit(f'error: {e}') from None
