"""PartInferencer: part masks of the objects in images, in the style of DetInferencer."""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import cv2
import numpy as np
import torch
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmengine.structures import InstanceData

from ..datasets.coco_rle import encode_mask
from ..datasets.objects_file import ObjectsFile
from ..utils import atomic_write_json
from ..visualization import draw_part_overlay, write_png

# image -> [(object class name, [H, W] mask)]
ObjectsOfImage = List[tuple]


class PartInferencer:
    """Segments the objects of images into parts with a trained part model.

    Objects come from an objects file (matched to images by file name), from
    an MMDetection instance-segmentation model (``det_model`` config and
    ``det_weights``; its masks above ``det_score_thr`` whose class the part
    model knows), or are passed in. Object classes are matched by name to
    the part model's ``object_classes`` (the config's list); a given object
    of another class is an error.

    Args:
        model: the part model's config (a PartDistillation config).
        weights: its checkpoint.
        device: ``'cpu'`` or ``'cuda'``.
        det_model, det_weights: an MMDetection instance model for the objects.
        det_score_thr: minimum score of a detected object.
    """

    def __init__(self,
                 model: str,
                 weights: str,
                 device: str = 'cpu',
                 det_model: Optional[str] = None,
                 det_weights: Optional[str] = None,
                 det_score_thr: float = 0.5) -> None:
        init_default_scope('mmdet')
        self.cfg = Config.fromfile(model)
        classes = self.cfg.get('object_classes')
        if not classes:
            raise ValueError(f'{model}: the config lists no object_classes (the object class '
                             'names of the part model, in its training order)')
        self.object_classes = list(classes)
        self.model = MODELS.build(self.cfg.model)
        load_checkpoint(self.model, weights, map_location='cpu', logger='silent')
        self.model.to(device).eval()
        self.detector = None
        if det_model is not None:
            from mmdet.apis import DetInferencer
            self.detector = DetInferencer(det_model, det_weights, device, show_progress=False)
            init_default_scope('mmdet')
        self.det_score_thr = det_score_thr

    def objects_from_file(self, objects: ObjectsFile, image_path: str) -> ObjectsOfImage:
        name = osp.basename(image_path)
        matches = [i for i, im in objects.images.items() if osp.basename(im['file_name']) == name]
        if not matches:
            raise ValueError(f'{image_path}: no image named {name} in {objects.path}')
        return [(objects.categories[objects.objects[o]['category_id']]['name'], objects.mask(o))
                for o in objects.objects_by_image[matches[0]]]

    def objects_from_detector(self, image_path: str) -> ObjectsOfImage:
        sample = self.detector(image_path, return_datasamples=True)['predictions'][0]
        classes = self.detector.model.dataset_meta['classes']
        found = sample.pred_instances[sample.pred_instances.scores > self.det_score_thr]
        return [(classes[int(label)], np.asarray(mask, bool))
                for label, mask in zip(found.labels.tolist(),
                                       found.masks.cpu().numpy())
                if classes[int(label)] in self.object_classes]

    def data_sample(self, image: np.ndarray, objects: ObjectsOfImage) -> DetDataSample:
        h, w = image.shape[:2]
        unknown = sorted({name for name, _ in objects} - set(self.object_classes))
        if unknown:
            raise ValueError(f'object classes {unknown} are not classes of the part model '
                             f'({self.object_classes})')
        masks = np.stack([m for _, m in objects]).astype(np.uint8) if objects else np.zeros(
            (0, h, w), np.uint8)
        bitmap = BitmapMasks(masks, h, w)
        sample = DetDataSample(
            metainfo=dict(
                img_id=0,
                img_shape=(h, w),
                ori_shape=(h, w),
                scale_factor=(1.0, 1.0),
                object_ids=list(range(len(objects)))))
        sample.gt_instances = InstanceData(
            masks=bitmap,
            labels=torch.tensor([self.object_classes.index(n) for n, _ in objects],
                                dtype=torch.long),
            bboxes=HorizontalBoxes(bitmap.get_bboxes('hbox').tensor))
        return sample

    def __call__(self,
                 inputs: Union[str, Sequence[str]],
                 objects: Union[None, str, ObjectsFile, Dict[str, ObjectsOfImage]] = None,
                 out_dir: Optional[str] = None) -> List[dict]:
        """Part predictions per image: ``{'image', 'objects': [{'object_id',
        'class', 'parts': [{'part_id', 'score', 'segmentation'}]}]}``; with
        ``out_dir``, also ``parts.json`` and ``<image>_parts.png`` overlays."""
        paths = [inputs] if isinstance(inputs, str) else list(inputs)
        if isinstance(objects, str):
            objects = ObjectsFile.load(objects)
        if objects is None and self.detector is None:
            raise ValueError('give objects (an objects file or per-image masks) or a det_model')
        results = []
        for path in paths:
            bgr = cv2.imread(path)
            if bgr is None:
                raise FileNotFoundError(f'{path}: cannot read the image')
            if isinstance(objects, ObjectsFile):
                found = self.objects_from_file(objects, path)
            elif isinstance(objects, dict):
                found = objects[path]
            else:
                found = self.objects_from_detector(path)
            results.append(self.predict_image(path, bgr, found, out_dir))
        if out_dir is not None:
            atomic_write_json(results, osp.join(out_dir, 'parts.json'))
        return results

    def predict_image(self, path: str, bgr: np.ndarray, found: ObjectsOfImage,
                      out_dir: Optional[str]) -> dict:
        sample = self.data_sample(bgr, found)
        inputs = torch.from_numpy(np.ascontiguousarray(bgr.transpose(2, 0, 1)))
        with torch.no_grad():
            parts = self.model.test_step(dict(inputs=[inputs], data_samples=[sample]))[0].pred_parts
        by_object: Dict[int, list] = {i: [] for i in range(len(found))}
        for mask, score, part_id, obj in zip(parts.masks.cpu().numpy(), parts.scores.tolist(),
                                             parts.part_ids.tolist(), parts.object_ids.tolist()):
            by_object[int(obj)].append((int(part_id), float(score), mask.astype(bool)))
        if out_dir is not None:
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            canvas = draw_part_overlay(rgb, [(m, by_object[i]) for i, (_, m) in enumerate(found)])
            write_png(canvas, osp.join(out_dir, osp.splitext(osp.basename(path))[0] + '_parts.png'))
        return dict(
            image=path,
            objects=[
                dict(
                    object_id=i,
                    **{'class': name},
                    parts=[
                        dict(part_id=k, score=s, segmentation=encode_mask(m))
                        for k, s, m in by_object[i]
                    ]) for i, (name, _) in enumerate(found)
            ])
