"""PartInferencer: part masks of the objects in images, in the mould of DetInferencer."""
import copy
import logging
import os
import os.path as osp
from collections import defaultdict
from typing import Callable, Dict, List, Optional, Sequence, Union

import mmcv
import numpy as np
from mmcv.transforms import Compose
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmengine.config import Config, ConfigDict
from mmengine.infer import BaseInferencer
from mmengine.logging import print_log
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import _load_checkpoint, _load_checkpoint_to_model
from torch import nn

from ..datasets.coco_rle import encode_mask, mask_to_coco_fields
from ..datasets.converters.image_check import readable_image
from ..datasets.objects_file import ObjectsFile
from ..engine.data_classes import checkpoint_meta, fill_data_classes
from ..utils import atomic_write_json, atomic_write_png
from ..visualization import PartLocalVisualizer

# image -> [(object class name, [H, W] mask)]
ObjectsOfImage = List[tuple]
ObjectsInput = Union[None, str, ObjectsFile, Dict[str, ObjectsOfImage]]

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')

# for configs without a test split (the paper's stage-4 configs): the image
# at its own size with its objects, as the part detectors take them
OBJECT_PIPELINE = [
    dict(type='LoadImageFromFile', to_float32=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor', 'object_ids')),
]


class PartInferencer(BaseInferencer):
    """Segments the objects of images into parts with a trained part model.

    As :class:`DetInferencer`: the config's test pipeline (or, for a config
    without a test split, loading the image and its objects), batches of
    ``batch_size`` through ``model.test_step``, and with ``out_dir`` one
    ``out_dir/preds/<image>.json`` and one ``out_dir/vis/<image>.png`` (the
    objects beside their parts, drawn by :class:`PartLocalVisualizer`) per image.

    Objects come from an objects file (matched to images by file name), from
    an MMDetection instance-segmentation model (``det_model`` config and
    ``det_weights``; its masks above ``det_score_thr`` whose class the part
    model knows), or are passed in per image path. Object classes are
    matched by name to the part model's, which come from the checkpoint's
    ``dataset_meta['object_classes']`` (saved by training on
    :class:`PseudoPartsDataset`), as do the model's class counts.

    Args:
        model: the part model's config (a PartDistillation config).
        weights: its checkpoint.
        device: ``'cpu'``, ``'cuda'``; None picks what is there.
        det_model, det_weights: an MMDetection instance model for the objects.
        det_score_thr: minimum score of a detected object.
        show_progress: show a progress bar over the batches.
    """
    preprocess_kwargs: set = {'objects'}
    visualize_kwargs: set = {'return_vis', 'show', 'wait_time', 'no_save_vis', 'img_out_dir'}
    postprocess_kwargs: set = {'no_save_pred', 'pred_out_dir'}

    def __init__(self,
                 model: str,
                 weights: str,
                 device: Optional[str] = None,
                 det_model: Optional[str] = None,
                 det_weights: Optional[str] = None,
                 det_score_thr: float = 0.5,
                 show_progress: bool = True) -> None:
        init_default_scope('mmdet')
        if weights is None:
            raise ValueError('PartInferencer needs the part model\'s weights')
        super().__init__(
            model=model, weights=weights, device=device, scope='mmdet', show_progress=show_progress)
        self.object_classes = list(self.model.dataset_meta['object_classes'])
        self.detector = None
        if det_model is not None:
            from mmdet.apis import DetInferencer
            if osp.isfile(det_model):  # a config file; else a model name MMDetection knows
                det_model = Config.fromfile(det_model)
                fill_data_classes(det_model, checkpoint_meta(det_weights), prefer_checkpoint=True)
            self.detector = DetInferencer(det_model, det_weights, device, show_progress=False)
            init_default_scope('mmdet')
        self.det_score_thr = det_score_thr

    def _init_model(self, cfg: ConfigDict, weights: str, device: str = 'cpu') -> nn.Module:
        """BaseInferencer's, with the model's class counts from the checkpoint."""
        checkpoint = _load_checkpoint(weights, map_location='cpu')
        fill_data_classes(cfg, checkpoint.get('meta'), prefer_checkpoint=True)
        cfg.model.pop('pretrained', None)
        model = MODELS.build(cfg.model)
        model.cfg = cfg
        self._load_weights_to_model(model, checkpoint, cfg)
        return model.to(device).eval()

    def _load_weights_to_model(self, model: nn.Module, checkpoint: Optional[dict],
                               cfg: ConfigDict) -> None:
        meta = dict(checkpoint.get('meta', {}).get('dataset_meta') or {})
        classes = meta.get('object_classes')
        if not classes:
            raise ValueError('the checkpoint\'s dataset_meta has no object_classes: train '
                             'the part model on PseudoPartsDataset, which saves them')
        own = model.state_dict()
        for key, value in checkpoint.get('state_dict', checkpoint).items():
            if key in own and own[key].shape != value.shape:
                raise ValueError(f'the checkpoint\'s {key} has shape {tuple(value.shape)}, but '
                                 f'its dataset_meta ({len(classes)} object classes) makes it '
                                 f'{tuple(own[key].shape)}: the weights and their dataset_meta '
                                 'do not belong together')
        _load_checkpoint_to_model(model, checkpoint)
        # the objects are drawn by class: the parts' palette does not fit them
        model.dataset_meta = dict(
            meta,
            part_classes=meta.get('classes'),
            part_palette=meta.get('palette'),
            palette=None,
            classes=tuple(classes),
            object_classes=tuple(classes))

    def _init_pipeline(self, cfg: ConfigDict) -> Compose:
        test = cfg.get('test_dataloader') or {}
        pipeline = copy.deepcopy(test.get('dataset', {}).get('pipeline') or OBJECT_PIPELINE)
        if not any(t['type'].split('.')[-1] == 'LoadAnnotations' and t.get('with_mask')
                   for t in pipeline):
            raise ValueError('the test pipeline must load the objects: add '
                             'LoadAnnotations(with_bbox=True, with_mask=True)')
        pack = pipeline[-1]
        pack['meta_keys'] = tuple(
            k for k in pack.get('meta_keys', OBJECT_PIPELINE[-1]['meta_keys'])
            if k != 'object_ids') + ('object_ids', )
        return Compose(pipeline)

    def _init_visualizer(self, cfg: ConfigDict) -> PartLocalVisualizer:
        visualizer = PartLocalVisualizer(name=f'part_inferencer_{id(self)}')
        visualizer.dataset_meta = self.model.dataset_meta
        return visualizer

    def _inputs_to_list(self, inputs: Union[str, Sequence[str]]) -> List[str]:
        """Image paths of ``inputs``, less those that are missing, do not decode or
        are too large for the models (``skipped``: reason -> paths, logged)."""
        if isinstance(inputs, str) and osp.isdir(inputs):
            paths = sorted(
                osp.join(inputs, f) for f in os.listdir(inputs)
                if f.lower().endswith(IMAGE_SUFFIXES))
        else:
            paths = [inputs] if isinstance(inputs, str) else list(inputs)
        self.skipped: Dict[str, List[str]] = defaultdict(list)
        for path in paths:
            problem = readable_image(path)
            if problem:
                self.skipped[problem].append(path)
        for reason, skipped in self.skipped.items():
            more = f' (+{len(skipped) - 3} more)' if len(skipped) > 3 else ''
            print_log(
                f'skipped {len(skipped)} images ({reason}): {", ".join(skipped[:3])}{more}',
                logger='current',
                level=logging.WARNING)
        bad = {p for skipped in self.skipped.values() for p in skipped}
        return [p for p in paths if p not in bad]

    def preprocess(self, inputs: List[str], batch_size: int = 1, objects: ObjectsInput = None):
        """Batches of the test pipeline's output for each image and its objects."""
        objects_of = self.object_source(objects)
        records = (self.pipeline(self.record(i, path, objects_of(path)))
                   for i, path in enumerate(inputs))
        yield from map(self.collate_fn, self._get_chunk_data(records, batch_size))

    def object_source(self, objects: ObjectsInput) -> Callable[[str], ObjectsOfImage]:
        """Image path -> its objects: from an objects file (by file name), a
        dict, or the ``det_model``."""
        if isinstance(objects, str):
            objects = ObjectsFile.load(objects)
        if isinstance(objects, ObjectsFile):
            by_name = {osp.basename(im['file_name']): i for i, im in objects.images.items()}

            def from_file(path: str) -> ObjectsOfImage:
                img_id = by_name.get(osp.basename(path))
                if img_id is None:
                    raise ValueError(f'{path}: no image named {osp.basename(path)} in '
                                     f'{objects.path}')
                return [(objects.categories[objects.objects[o]['category_id']]['name'],
                         objects.mask(o)) for o in objects.objects_by_image[img_id]]

            return from_file
        if isinstance(objects, dict):

            def given(path: str) -> ObjectsOfImage:
                if path not in objects:
                    raise ValueError(f'{path}: no objects given for this image')
                return objects[path]

            return given
        if self.detector is None:
            raise ValueError('give objects (an objects file or per-image masks) or a det_model')
        return self.detected_objects

    def detected_objects(self, path: str) -> ObjectsOfImage:
        """The ``det_model``'s objects above ``det_score_thr``, of the part model's classes."""
        sample = self.detector(path, return_datasamples=True)['predictions'][0]
        classes = self.detector.model.dataset_meta['classes']
        found = sample.pred_instances[sample.pred_instances.scores > self.det_score_thr]
        return [(classes[int(label)], np.asarray(mask, bool))
                for label, mask in zip(found.labels.tolist(),
                                       found.masks.cpu().numpy())
                if classes[int(label)] in self.object_classes]

    def record(self, index: int, path: str, objects: ObjectsOfImage) -> dict:
        """The data record the test pipeline takes: the image and its objects."""
        unknown = sorted({name for name, _ in objects} - set(self.object_classes))
        if unknown:
            raise ValueError(f'{path}: object classes {unknown} are not classes of the part '
                             f'model ({self.object_classes})')
        instances = []
        for name, mask in objects:
            fields = mask_to_coco_fields(np.asarray(mask, bool))
            x, y, w, h = fields['bbox']
            instances.append(
                dict(
                    bbox=[x, y, x + w, y + h],
                    bbox_label=self.object_classes.index(name),
                    mask=fields['segmentation'],
                    ignore_flag=0))
        return dict(
            img_path=path, img_id=index, instances=instances, object_ids=list(range(len(objects))))

    def visualize(self,
                  inputs: List[str],
                  preds: List[DetDataSample],
                  return_vis: bool = False,
                  show: bool = False,
                  wait_time: float = 0,
                  no_save_vis: bool = False,
                  img_out_dir: str = '') -> List[np.ndarray]:
        """Objects beside their parts, per image, when shown, returned or
        written to ``img_out_dir``; nothing is drawn otherwise."""
        drawn: List[np.ndarray] = []
        if not (return_vis or show or (img_out_dir and not no_save_vis)):
            return drawn
        for path, pred in zip(inputs, preds):
            self.visualizer.add_datasample(
                osp.basename(path),
                mmcv.imread(path, channel_order='rgb'),
                pred,
                show=show,
                wait_time=wait_time,
                pred_score_thr=0.0)
            drawn.append(self.visualizer.get_image())
            if img_out_dir and not no_save_vis:
                atomic_write_png(drawn[-1], osp.join(img_out_dir, image_stem(path) + '.png'))
        return drawn

    def postprocess(self,
                    preds: List[DetDataSample],
                    visualization: List[np.ndarray],
                    return_datasamples: bool = False,
                    no_save_pred: bool = False,
                    pred_out_dir: str = '') -> dict:
        """``predictions`` (data samples, or per image ``{'image', 'objects':
        [{'object_id', 'class', 'parts': [{'part_id', 'score', 'segmentation'}]}]}``),
        ``visualization`` and ``skipped`` (reason -> image paths left out);
        each image's record goes to ``pred_out_dir``."""
        records = [self.pred_to_record(pred) for pred in preds]
        if pred_out_dir and not no_save_pred:
            for record in records:
                atomic_write_json(record,
                                  osp.join(pred_out_dir,
                                           image_stem(record['image']) + '.json'))
        return dict(
            predictions=preds if return_datasamples else records,
            visualization=visualization,
            skipped=dict(self.skipped))

    def pred_to_record(self, pred: DetDataSample) -> dict:
        parts = pred.pred_instances
        objects = [
            dict(object_id=int(obj), parts=[], **{'class': self.object_classes[int(label)]})
            for obj, label in zip(pred.object_ids, pred.gt_instances.labels.tolist())
        ]
        by_id = {o['object_id']: o for o in objects}
        for mask, score, part_id, obj in zip(parts.masks.cpu().numpy(), parts.scores.tolist(),
                                             parts.part_ids.tolist(), parts.object_ids.tolist()):
            by_id[int(obj)]['parts'].append(
                dict(part_id=int(part_id), score=float(score), segmentation=encode_mask(mask)))
        return dict(image=pred.img_path, objects=objects)

    def __call__(self,
                 inputs: Union[str, Sequence[str]],
                 objects: ObjectsInput = None,
                 batch_size: int = 1,
                 out_dir: str = '',
                 show: bool = False,
                 wait_time: float = 0,
                 no_save_vis: bool = False,
                 no_save_pred: bool = False,
                 return_vis: bool = False,
                 return_datasamples: bool = False) -> dict:
        """Parts of the objects of ``inputs`` (image paths or a folder).

        Args:
            objects: an objects file (path or :class:`ObjectsFile`), or
                ``{image path: [(class name, [H, W] mask)]}``; None to detect
                them with the ``det_model``.
            out_dir: with it, ``out_dir/preds/<image>.json`` and
                ``out_dir/vis/<image>.png``.
            return_vis: also return the drawings (``visualization``).
        """
        return super().__call__(
            inputs,
            return_datasamples=return_datasamples,
            batch_size=batch_size,
            objects=objects,
            return_vis=return_vis,
            show=show,
            wait_time=wait_time,
            no_save_vis=no_save_vis,
            img_out_dir=osp.join(out_dir, 'vis') if out_dir else '',
            no_save_pred=no_save_pred,
            pred_out_dir=osp.join(out_dir, 'preds') if out_dir else '')


def image_stem(path: str) -> str:
    return osp.splitext(osp.basename(path))[0]
