"""PartInferencer and tools/infer.py: parts of given or detected objects, JSON and overlays."""
import json
import subprocess
import sys
from pathlib import Path

import mmcv
import numpy as np
import pytest
import torch
from mmdet.registry import MODELS
from mmengine.config import Config

from real_format_fixtures import png_header

from mmpartdistill.apis import PartInferencer
from mmpartdistill.datasets import OBJECT_CLASSES, ObjectsFile, decode_segmentation
from mmpartdistill.engine.data_classes import fill_data_classes

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/partdistill' / (
    'partdistill_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py')
DETECTOR = ROOT / 'configs/partdistill' / (
    'mask2former_effnet-lite0_1xb4-1k_synthetic-objects.py')


@pytest.fixture(scope='module')
def weights(tmp_path_factory):
    """Untrained weights of the part model and of the stage-0 instance model."""
    out = tmp_path_factory.mktemp('weights')
    torch.manual_seed(0)
    names = tuple(c.name for c in OBJECT_CLASSES)
    metas = dict(
        parts=dict(
            classes=tuple(f'{n} part{k}' for n in names for k in range(4)),
            object_classes=names,
            parts_per_class=(4, ) * len(names)),
        det=dict(classes=names))
    for name, config in (('parts', CONFIG), ('det', DETECTOR)):
        cfg = Config.fromfile(str(config))
        fill_data_classes(cfg, dict(dataset_meta=metas[name]), prefer_checkpoint=True)
        model = MODELS.build(cfg.model)
        torch.save(
            dict(state_dict=model.state_dict(), meta=dict(dataset_meta=metas[name])),
            out / f'{name}.pth')
    return out


def test_parts_of_objects_from_a_file(synthetic_root, weights, tmp_path):
    objects = ObjectsFile.load(str(synthetic_root / 'annotations/objects_val.json'))
    image_ids = sorted(i for i, objs in objects.objects_by_image.items() if objs)[:2]
    images = [str(synthetic_root / 'images' / objects.images[i]['file_name']) for i in image_ids]
    inferencer = PartInferencer(str(CONFIG), str(weights / 'parts.pth'), 'cpu')
    results = inferencer(
        images,
        str(synthetic_root / 'annotations/objects_val.json'),
        batch_size=2,
        out_dir=str(tmp_path))['predictions']
    for image_id, result in zip(image_ids, results):
        info = objects.images[image_id]
        stem = Path(info['file_name']).stem
        assert json.loads((tmp_path / 'preds' / f'{stem}.json').read_text()) == result
        vis = mmcv.imread(str(tmp_path / 'vis' / f'{stem}.png'))
        assert vis.shape == (info['height'], 2 * info['width'], 3), 'objects beside their parts'
        object_ids = objects.objects_by_image[image_id]
        assert len(result['objects']) == len(object_ids)
        for obj, obj_id in zip(result['objects'], object_ids):
            mask = objects.mask(obj_id).astype(bool)
            covered = np.zeros_like(mask)
            for part in obj['parts']:
                m = decode_segmentation(part['segmentation'], info['height'], info['width'])
                assert not (m.astype(bool) & ~mask).any() and 0 <= part['part_id'] < 4
                covered |= m.astype(bool)
            assert (covered == mask).all()


def test_batches_give_what_single_images_give(synthetic_root, weights):
    objects = str(synthetic_root / 'annotations/objects_val.json')
    images = [
        str(synthetic_root / 'images' / im['file_name'])
        for im in ObjectsFile.load(objects).images.values()
    ][:3]
    inferencer = PartInferencer(str(CONFIG), str(weights / 'parts.pth'), 'cpu')
    result = inferencer(images, objects)
    one = result['predictions']
    assert len(one) == 3 and any(o['parts'] for r in one for o in r['objects'])
    assert result['visualization'] == [], 'nothing drawn unless asked'
    drawn = inferencer(images[:1], objects, return_vis=True)['visualization']
    assert len(drawn) == 1 and drawn[0].ndim == 3
    # the same parts; scores to float tolerance (convolutions of a batch of
    # crops may round differently from one crop's in the last bit)
    assert same_predictions(inferencer(images, objects, batch_size=3)['predictions'], one)


def same_predictions(a: list, b: list) -> bool:
    """Equal predictions, part scores within float32 rounding."""

    def parts(predictions):
        return [
            dict(r, objects=[
                dict(o, parts=[{k: v for k, v in p.items() if k != 'score'} for p in o['parts']])
                for o in r['objects']
            ]) for r in predictions
        ]

    def scores(predictions):
        return [p['score'] for r in predictions for o in r['objects'] for p in o['parts']]

    return parts(a) == parts(b) and scores(a) == pytest.approx(scores(b), rel=1e-5)


def test_classes_from_the_checkpoint_and_paper_config(weights, tmp_path):
    swin = CONFIG.parent / 'partdistill_mask2former_swin-l-p4-w12-384-in21k_8xb4-90k_in1k.py'
    cfg = Config.fromfile(str(swin))
    assert 'object_classes' not in cfg and cfg.test_dataloader is None
    cfg.model.backbone = dict(type='ResNet', depth=18, out_indices=(0, 1, 2, 3), init_cfg=None)
    cfg.model.panoptic_head.update(in_channels=[64, 128, 256, 512])
    cfg.model.crop_sizes = ((64, 64), )
    cfg.dump(str(tmp_path / 'swin.py'))
    meta = dict(
        dataset_meta=dict(
            object_classes=('n01440764', 'n01443537', 'n01484850'), parts_per_class=(8, 5, 8)))
    fill_data_classes(cfg, meta, prefer_checkpoint=True)
    assert cfg.model.panoptic_fusion_head.num_things_classes == 3 * 8
    model = MODELS.build(cfg.model)
    torch.save(dict(state_dict=model.state_dict(), meta=meta), tmp_path / 'w.pth')
    inferencer = PartInferencer(str(tmp_path / 'swin.py'), str(tmp_path / 'w.pth'), 'cpu')
    assert inferencer.object_classes == list(meta['dataset_meta']['object_classes'])
    image = str(tmp_path / 'image.png')
    mmcv.imwrite(np.full((48, 64, 3), 128, np.uint8), image)
    mask = np.zeros((48, 64), bool)
    mask[10:40, 8:50] = True
    (record, ) = inferencer(image, {image: [('n01443537', mask)]})['predictions']
    assert record['objects'][0]['class'] == 'n01443537' and record['objects'][0]['parts']
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=dict(object_classes=('a', 'b'), parts_per_class=(8, 8)))),
        tmp_path / 'two.pth')
    with pytest.raises(
            ValueError, match=r'cls_embed.weight has shape \(25, 256\), .* makes it \(17, 256\)'):
        PartInferencer(str(tmp_path / 'swin.py'), str(tmp_path / 'two.pth'), 'cpu')


def test_unknown_class_and_missing_objects_are_errors(synthetic_root, weights):
    inferencer = PartInferencer(str(CONFIG), str(weights / 'parts.pth'), 'cpu')
    image = str(next((synthetic_root / 'images').glob('*.png')))
    with pytest.raises(ValueError, match='zebra'):
        inferencer(image, {image: [('zebra', np.ones((96, 96), bool))]})
    with pytest.raises(ValueError, match='det_model'):
        inferencer(image)


@pytest.mark.slow
def test_infer_tool_with_a_detector(synthetic_root, weights, tmp_path):
    image = str(next((synthetic_root / 'images').glob('*.png')))
    result = subprocess.run([
        sys.executable, ROOT / 'tools/infer.py', image, '--config', CONFIG, '--checkpoint',
        weights / 'parts.pth', '--det-config', DETECTOR, '--det-checkpoint', weights / 'det.pth',
        '--det-score-thr', '0', '--out-dir', tmp_path
    ],
                            text=True,
                            capture_output=True)
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads((tmp_path / 'preds' / (Path(image).stem + '.json')).read_text())
    assert record['objects'], 'an untrained detector at threshold 0 still finds objects'
    assert all(obj['parts'] for obj in record['objects'])
    assert (tmp_path / 'vis' / (Path(image).stem + '.png')).exists()


def test_unusable_images_are_skipped_and_named(synthetic_root, weights, tmp_path):
    objects = ObjectsFile.load(str(synthetic_root / 'annotations/objects_val.json'))
    image_id = sorted(i for i, objs in objects.objects_by_image.items() if objs)[0]
    good = str(synthetic_root / 'images' / objects.images[image_id]['file_name'])
    huge = tmp_path / 'huge.png'
    huge.write_bytes(png_header(12000, 9000))
    broken = tmp_path / 'broken.jpg'
    broken.write_bytes(b'not a jpeg')
    inferencer = PartInferencer(str(CONFIG), str(weights / 'parts.pth'), 'cpu')
    result = inferencer([str(huge), good, str(broken)],
                        str(synthetic_root / 'annotations/objects_val.json'))
    assert [r['image'] for r in result['predictions']] == [good]
    assert result['skipped'] == {
        'image too large (12000 x 9000 pixels)': [str(huge)],
        'image unreadable (UnidentifiedImageError)': [str(broken)]
    }
