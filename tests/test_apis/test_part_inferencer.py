"""PartInferencer and tools/infer.py: parts of given or detected objects, JSON and overlays."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmdet.registry import MODELS
from mmengine.config import Config

from mmpartdistill.apis import PartInferencer
from mmpartdistill.datasets import OBJECT_CLASSES, ObjectsFile, decode_segmentation

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/partdistill/partdistill_mask2former_r18_1xb8-500i_synthetic-parts.py'
DETECTOR = ROOT / 'configs/partdistill/mask2former_r18_1xb4-2k_synthetic-objects.py'


@pytest.fixture(scope='module')
def weights(tmp_path_factory):
    """Untrained weights of the part model and of the stage-0 instance model."""
    out = tmp_path_factory.mktemp('weights')
    torch.manual_seed(0)
    meta = dict(dataset_meta=dict(classes=tuple(c.name for c in OBJECT_CLASSES)))
    for name, config in (('parts', CONFIG), ('det', DETECTOR)):
        model = MODELS.build(Config.fromfile(str(config)).model)
        torch.save(dict(state_dict=model.state_dict(), meta=meta), out / f'{name}.pth')
    return out


def test_parts_of_objects_from_a_file(synthetic_root, weights, tmp_path):
    objects = ObjectsFile.load(str(synthetic_root / 'annotations/objects_val.json'))
    image_ids = sorted(i for i, objs in objects.objects_by_image.items() if objs)[:2]
    images = [str(synthetic_root / 'images' / objects.images[i]['file_name']) for i in image_ids]
    inferencer = PartInferencer(str(CONFIG), str(weights / 'parts.pth'))
    results = inferencer(images, str(synthetic_root / 'annotations/objects_val.json'),
                         str(tmp_path))
    assert json.loads((tmp_path / 'parts.json').read_text()) == results
    for image_id, result in zip(image_ids, results):
        info = objects.images[image_id]
        assert (tmp_path / (Path(info['file_name']).stem + '_parts.png')).exists()
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


def test_unknown_class_and_missing_objects_are_errors(synthetic_root, weights):
    inferencer = PartInferencer(str(CONFIG), str(weights / 'parts.pth'))
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
    (record, ) = json.loads((tmp_path / 'parts.json').read_text())
    assert record['objects'], 'an untrained detector at threshold 0 still finds objects'
    assert all(obj['parts'] for obj in record['objects'])
    assert (tmp_path / (Path(image).stem + '_parts.png')).exists()
