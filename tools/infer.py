"""Part masks and overlays for images with a trained PartDistillation model.

    python tools/infer.py IMAGES... --config C --checkpoint P --out-dir D \\
        (--objects OBJ.json | --det-config DC --det-checkpoint DP [--det-score-thr T])

Objects come from an objects file (images matched by file name) or from an
MMDetection instance-segmentation model. Writes D/preds/<image>.json (per
object, its parts as RLE masks with part id and score) and D/vis/<image>.png
(the objects beside their parts, each part id of a class in one colour
everywhere). IMAGES are image files, or one folder of them.
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
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--device', default=None, help='cpu or cuda (default: what is there)')
    args = parser.parse_args()
    if (args.objects is None) == (args.det_config is None):
        parser.error('give either --objects or --det-config (with --det-checkpoint)')
    inferencer = PartInferencer(args.config, args.checkpoint, args.device, args.det_config,
                                args.det_checkpoint, args.det_score_thr)
    images = args.images[0] if len(args.images) == 1 else args.images
    output = inferencer(images, args.objects, args.batch_size, args.out_dir)
    results = output['predictions']
    parts = sum(len(o['parts']) for r in results for o in r['objects'])
    print(f'{len(results)} images, {sum(len(r["objects"]) for r in results)} objects, {parts} '
          f'parts written to {args.out_dir}/preds and {args.out_dir}/vis')
    for reason, skipped in output['skipped'].items():
        print(f'skipped {len(skipped)} images ({reason}): {", ".join(skipped)}')


if __name__ == '__main__':
    try:
        main()
    except (AnnotationFormatError, FileNotFoundError, ValueError) as e:
        raise SystemExit(f'error: {e}') from None
