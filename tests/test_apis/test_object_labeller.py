"""tools/label_objects.py and ObjectLabeller: one object mask per image of an image folder."""
import json
import os.path as osp
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import mmdet
import numpy as np
import pytest
import torch
from mmcv.transforms import Compose
from mmdet.apis import inference_detector, init_detector
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.structures import InstanceData

from mmpartdistill.apis.object_labeller import LabellingDataset, ObjectLabeller
from mmpartdistill.datasets import OBJECT_CLASSES, ObjectsFile
from mmpartdistill.datasets.image_folder import (ImageFolderClass, ImageFolderRecord,
                                                 image_folder_classes, image_folder_records,
                                                 read_class_names)
from mmpartdistill.engine.data_classes import checkpoint_meta, fill_data_classes

ROOT = Path(__file__).resolve().parents[2]
DETECTOR = ROOT / 'configs/partdistill/mask2former_effnet-lite0_1xb4-1k_synthetic-objects.py'
CLASSES = [c.name for c in OBJECT_CLASSES]
# every (query, class) pair is a prediction, so an untrained model finds every class
TEST_CFG = ['model.test_cfg.max_per_image=140']


@pytest.fixture(scope='module')
def detector(tmp_path_factory):
    """Untrained weights of the stage-0 instance model, naming its classes."""
    path = tmp_path_factory.mktemp('det') / 'det.pth'
    torch.manual_seed(0)
    cfg, meta = Config.fromfile(str(DETECTOR)), dict(dataset_meta=dict(classes=CLASSES))
    fill_data_classes(cfg, meta, prefer_checkpoint=True)
    torch.save(dict(state_dict=MODELS.build(cfg.model).state_dict(), meta=meta), path)
    return str(path)


@pytest.fixture(scope='module')
def image_folder(synthetic_root, tmp_path_factory):
    """ImageNet layout: synthetic photos in folders named by WordNet-like ids; one folder
    of a class the model does not know, one truncated image, one excluded class."""
    root = tmp_path_factory.mktemp('imagenet') / 'train'
    objects = ObjectsFile.load(str(synthetic_root / 'annotations/objects_train.json'))
    names = {}
    for image_id, object_ids in sorted(objects.objects_by_image.items()):
        if not object_ids:
            continue
        name = objects.categories[objects.objects[object_ids[0]]['category_id']]['name']
        class_id = f'n{CLASSES.index(name):08d}'
        names[class_id] = name
        (root / class_id).mkdir(parents=True, exist_ok=True)
        shutil.copy(synthetic_root / 'images' / objects.images[image_id]['file_name'],
                    root / class_id / f'{class_id}_{image_id}.JPEG')
    broken = sorted((root / next(iter(names))).iterdir())[0]
    broken.write_bytes(broken.read_bytes()[:60])
    for class_id, name in (('n90000000', 'zebra'), ('n90000001', 'hot dog')):
        (root / class_id).mkdir()
        shutil.copy(synthetic_root / 'images' / objects.images[1]['file_name'],
                    root / class_id / f'{class_id}_1.JPEG')
        names[class_id] = name
    mapping = root.parent / 'LOC_synset_mapping.txt'
    mapping.write_text(''.join(f'{k} {v}, another name\n' for k, v in sorted(names.items())))
    (root.parent / 'exclude.txt').write_text('# foods\nn90000001\n')
    return root


def label(image_folder, detector, out, *extra):
    return subprocess.run([
        sys.executable,
        str(ROOT / 'tools/label_objects.py'),
        str(image_folder),
        str(DETECTOR), detector, '--out',
        str(out), '--class-names',
        str(image_folder.parent / 'LOC_synset_mapping.txt'), '--exclude-classes',
        str(image_folder.parent / 'exclude.txt'), '--score-thr', '0', '--shard-size', '3',
        '--cfg-options', *TEST_CFG, *extra
    ],
                          capture_output=True,
                          text=True,
                          cwd=ROOT)


def test_top_mask_of_the_image_class_resumable(image_folder, detector, tmp_path):
    run = label(image_folder, detector, tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    out_file = tmp_path / 'annotations/objects_train.json'
    objects = ObjectsFile.load(str(out_file))
    names = read_class_names(str(image_folder.parent / 'LOC_synset_mapping.txt'))
    assert [c['name'] for c in objects.categories.values()
            ] == [names[d] for d in sorted(names) if d != 'n90000001']
    assert 'skipped 1 (image unreadable (OSError)): n' in run.stdout + run.stderr
    assert "skipped 1 (class not among the model's classes): n90000000/n90000000_1.JPEG" in (
        run.stdout + run.stderr)
    cfg = Config.fromfile(str(DETECTOR))
    cfg.model.test_cfg.max_per_image = 140
    fill_data_classes(cfg, checkpoint_meta(detector), prefer_checkpoint=True)
    model = init_detector(cfg, detector, device='cpu')
    checked = 0
    for obj_id, obj in objects.objects.items():
        image = objects.images[obj['image_id']]
        name = objects.categories[obj['category_id']]['name']
        assert image['file_name'].startswith(objects.categories[obj['category_id']]['synset'])
        pred = inference_detector(model, str(image_folder / image['file_name'])).pred_instances
        ours = pred[pred.labels == CLASSES.index(name)]
        best = int(ours.scores.argmax())
        assert obj['score'] == pytest.approx(float(ours.scores[best]), abs=1e-5)
        np.testing.assert_array_equal(objects.mask(obj_id), ours.masks[best].numpy())
        checked += 1
    assert checked == len(list(image_folder.glob('n0*/*.JPEG'))) - 1

    # an interrupted run resumes: a lost shard is relabelled, the rest kept
    first = out_file.read_bytes()
    out_file.unlink()
    (tmp_path / 'object_shards/train/shard_00001.json').unlink()
    rerun = label(image_folder, detector, tmp_path)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert '1 to run on rank 0' in rerun.stdout + rerun.stderr
    assert out_file.read_bytes() == first

    # other settings are refused instead of being mixed into the shards
    other = label(image_folder, detector, tmp_path, '--prompt', 'a {}.')
    assert other.returncode != 0
    assert 'manifest.json' in other.stderr and "'prompt'" in other.stderr


def test_pick_boxes_only_model(detector):
    labeller = ObjectLabeller(str(DETECTOR), detector, score_thr=0.5)
    sample = DetDataSample(metainfo=dict(ori_shape=(10, 12)))
    sample.pred_instances = InstanceData(
        bboxes=torch.tensor([[1., 2., 5., 6.], [0., 0., 12., 10.]]),
        labels=torch.tensor([3, 3]),
        scores=torch.tensor([0.9, 0.4]))
    with pytest.raises(ValueError, match='boxes only'):
        labeller.pick(sample, 3)
    labeller.box_masks = True
    picked = labeller.pick(sample, 3)
    assert picked['area'] == 16 and picked['bbox'] == [1.0, 2.0, 4.0, 4.0]
    assert labeller.pick(sample, 2) == dict(skip='no detection of its class')
    sample.pred_instances.scores = torch.tensor([0.2, 0.1])
    assert 'scores below 0.5' in labeller.pick(sample, 3)['skip']


def test_open_vocabulary_prompt_reaches_the_model(synthetic_root):
    """Grounding DINO's own test pipeline gets each image's prompt as its text."""
    config = Config.fromfile(
        osp.join(
            osp.dirname(mmdet.__file__),
            '.mim/configs/grounding_dino/grounding_dino_swin-t_finetune_16xb2_1x_coco.py'))
    pipeline = [
        t for t in config.test_dataloader.dataset.pipeline if t['type'] != 'LoadAnnotations'
    ]
    labeller = SimpleNamespace(
        pipeline=Compose(pipeline), prompt='a {}.', model_label=lambda cls: 0)
    image = sorted((synthetic_root / 'images').iterdir())[0]
    dataset = LabellingDataset(
        str(image.parent), [ImageFolderClass('n1', 'tench')], [ImageFolderRecord(image.name, 0)],
        labeller)
    item = dataset[0]
    assert item['label'] == 0
    assert item['data_samples'].text == 'a tench.' and item['data_samples'].custom_entities


def test_class_list_errors(tmp_path):
    (tmp_path / 'n1').mkdir()
    (tmp_path / 'names.txt').write_text('n1 tench\nn1 goldfish\n')
    with pytest.raises(ValueError, match=r'names.txt:2: class id n1 appears twice'):
        read_class_names(str(tmp_path / 'names.txt'))
    with pytest.raises(ValueError, match='without a name'):
        image_folder_classes(str(tmp_path), {'n2': 'x'})
    with pytest.raises(ValueError, match=r"excluded class ids not found.*\['n3'\]"):
        image_folder_classes(str(tmp_path), exclude=['n3'])
    classes = image_folder_classes(str(tmp_path))
    assert json.dumps(classes[0].__dict__) == '{"class_id": "n1", "name": "n1"}'
    (tmp_path / 'n1' / 'notes.txt').write_text('not an image')
    with pytest.raises(ValueError, match='no images'):
        image_folder_records(str(tmp_path), classes)


def test_broken_or_missing_shard_is_named(tmp_path):
    from mmpartdistill.datasets import AnnotationFormatError
    from mmpartdistill.datasets.converters import merge_object_shards
    classes = [ImageFolderClass('n1', 'tench')]
    records = [ImageFolderRecord('n1/a.JPEG', 0)]
    (tmp_path / 'shard_00000.json').write_text('[{"index": 0')
    with pytest.raises(AnnotationFormatError, match='shard_00000.json: not valid JSON.*relabel'):
        merge_object_shards([str(tmp_path / 'shard_00000.json')], classes, records, 'train')
    with pytest.raises(AnnotationFormatError, match='shard_00001.json: shard not found'):
        merge_object_shards([str(tmp_path / 'shard_00001.json')], classes, records, 'train')
    (tmp_path / 'shard_00000.json').write_text('[{"index": 0, "skip": "empty mask"}]')
    objects, summary = merge_object_shards([str(tmp_path / 'shard_00000.json')], classes, records,
                                           'train')
    assert objects['annotations'] == [] and summary.skipped == {'empty mask': ['n1/a.JPEG']}
