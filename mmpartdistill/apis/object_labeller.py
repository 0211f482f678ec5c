"""ObjectLabeller: stage 0 for image-level datasets, one object mask per image of its class."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmcv.transforms import Compose
from mmengine.config import Config

from ..datasets.coco_rle import mask_to_coco_fields
from ..datasets.converters.image_check import readable_image
from ..datasets.image_folder import ImageFolderClass, ImageFolderRecord
from ..engine.data_classes import checkpoint_meta, fill_data_classes
from ..engine.sharded_inference import sharded_inference
from ..utils import atomic_write_json
from ..utils.manifest import digest

SHARD_FILE = 'shard_{:05d}.json'


class ObjectLabeller:
    """Keeps the top-scoring mask of the image's class from any MMDetection model.

    Closed-vocabulary models (Mask R-CNN, Mask2Former, ...): the image's class
    is found among the model's classes by name, or through ``class_map``
    (class name -> model class name); images of other classes are skipped.
    Open-vocabulary models (``prompt``, e.g. ``'a {}.'`` as the authors
    prompt Detic): each image is asked for its own class only, so every
    prediction is of that class. Models that predict boxes only need
    ``box_masks=True`` (the box becomes the mask) and are refused otherwise.

    Args:
        config, checkpoint: the MMDetection model.
        device: where it runs.
        prompt: text prompt with ``{}`` for the class name (open vocabulary).
        class_map: dataset class name -> model class name.
        score_thr: an image whose best mask of its class scores lower is skipped.
        box_masks: fill the box when the model predicts no masks.
        cfg_options: overrides of the model config (``model.test_cfg...``).
    """

    def __init__(self,
                 config: str,
                 checkpoint: Optional[str],
                 device: str = 'cpu',
                 prompt: Optional[str] = None,
                 class_map: Optional[Dict[str, str]] = None,
                 score_thr: float = 0.3,
                 box_masks: bool = False,
                 cfg_options: Optional[dict] = None) -> None:
        from mmdet.apis import init_detector
        from mmdet.utils import get_test_pipeline_cfg
        if prompt is not None and '{}' not in prompt:
            raise ValueError(f'prompt {prompt!r} has no "{{}}" for the class name')
        cfg = Config.fromfile(config)
        cfg.merge_from_dict(cfg_options or {})
        fill_data_classes(cfg, checkpoint_meta(checkpoint), prefer_checkpoint=True)
        self.model = init_detector(cfg, checkpoint, device=device)
        pipeline = [
            t for t in get_test_pipeline_cfg(self.model.cfg)
            if not str(t['type']).endswith('LoadAnnotations')
        ]
        self.pipeline = Compose(pipeline)
        self.config, self.checkpoint, self.prompt = config, checkpoint, prompt
        self.cfg_options = cfg_options or {}
        self.class_map, self.score_thr, self.box_masks = class_map or {}, score_thr, box_masks
        self.vocabulary = {
            name.lower(): i
            for i, name in enumerate(self.model.dataset_meta.get('classes', ()))
        }
        if prompt is None and not self.vocabulary:
            raise ValueError(f'{config}: the model names no classes (dataset_meta); give a prompt '
                             'for an open-vocabulary model')

    def model_label(self, cls: ImageFolderClass) -> Optional[int]:
        """The model's label for a class (0: the prompted class), None if it has none."""
        if self.prompt is not None:
            return 0
        return self.vocabulary.get(self.class_map.get(cls.name, cls.name).lower())

    def settings(self) -> dict:
        """What the labels depend on; a resumed run must match them."""
        return dict(
            config=self.config,
            checkpoint=self.checkpoint,
            prompt=self.prompt,
            class_map=self.class_map,
            score_thr=self.score_thr,
            box_masks=self.box_masks,
            cfg_options=self.cfg_options)

    def pick(self, sample, label: int) -> dict:
        """The kept object of one prediction: its mask fields and score, or ``skip``."""
        instances = sample.pred_instances
        height, width = sample.ori_shape
        if 'masks' not in instances and not self.box_masks:
            raise ValueError(f'{self.config}: the model predicts boxes only; use an instance-'
                             'segmentation model, or box_masks to take boxes as masks')
        wanted = (instances.labels == label).nonzero().flatten()
        if not len(wanted):
            return dict(skip='no detection of its class')
        best = int(wanted[instances.scores[wanted].argmax()])
        score = float(instances.scores[best])
        if score < self.score_thr:
            return dict(skip=f'best detection of its class scores below {self.score_thr}')
        if 'masks' in instances:
            mask = instances.masks[best].cpu().numpy().astype(np.uint8)
        else:
            mask = box_mask(instances.bboxes[best].tolist(), height, width)
        if not mask.any():
            return dict(skip='empty mask')
        return dict(score=score, width=width, height=height, **mask_to_coco_fields(mask))

    def label(self, root: str, classes: Sequence[ImageFolderClass],
              records: Sequence[ImageFolderRecord], shard_dir: str, shard_size: int,
              batch_size: int) -> List[str]:
        """Label every record into resumable shard files; returns their paths.

        Shards already written are kept, so an interrupted run resumes;
        ``shard_dir/manifest.json`` holds what they were made from, and a
        rerun with other images or settings is refused rather than mixed in.
        """
        dataset = LabellingDataset(root, classes, records, self)
        paths = [
            osp.join(shard_dir, SHARD_FILE.format(j))
            for j in range((len(records) + shard_size - 1) // shard_size)
        ]

        def process_batch(items: List[dict], shard: list) -> None:
            ready = [item for item in items if 'skip' not in item]
            shard += [
                dict(index=item['index'], skip=item['skip']) for item in items if 'skip' in item
            ]
            if not ready:
                return
            batch = dict(
                inputs=[item['inputs'] for item in ready],
                data_samples=[item['data_samples'] for item in ready])
            for item, sample in zip(ready, self.model.test_step(batch)):
                shard.append(dict(index=item['index'], **self.pick(sample, item['label'])))

        sharded_inference(
            self.model,
            dataset,
            shard_size,
            batch_size,
            path_of=paths.__getitem__,
            start_shard=list,
            process_batch=process_batch,
            write_shard=atomic_write_json,
            what='object labelling',
            manifest=dict(
                root=osp.abspath(root),
                records=digest([(r.file_name, classes[r.class_index].name) for r in records]),
                num_records=len(records),
                **self.settings()),
            collate=list)
        return paths


class LabellingDataset(torch.utils.data.Dataset):
    """Records through the model's test pipeline; images that do not decode, or of
    classes the model lacks, come back as ``skip``."""

    def __init__(self, root: str, classes: Sequence[ImageFolderClass],
                 records: Sequence[ImageFolderRecord], labeller: ObjectLabeller) -> None:
        self.root, self.classes, self.records, self.labeller = root, classes, records, labeller

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> dict:
        record = self.records[index]
        cls = self.classes[record.class_index]
        label = self.labeller.model_label(cls)
        if label is None:
            return dict(index=index, skip='class not among the model\'s classes')
        path = osp.join(self.root, record.file_name)
        problem = readable_image(path)
        if problem:
            return dict(index=index, skip=problem)
        data = dict(img_path=path, img_id=index)
        if self.labeller.prompt is not None:
            data.update(text=self.labeller.prompt.format(cls.name), custom_entities=True)
        data = self.labeller.pipeline(data)
        return dict(index=index, label=label, **data)


def box_mask(box: Sequence[float], height: int, width: int) -> np.ndarray:
    """A filled ``[x1, y1, x2, y2]`` box as a binary mask."""
    x1, y1, x2, y2 = (int(round(v)) for v in box)
    mask = np.zeros((height, width), np.uint8)
    mask[max(y1, 0):y2, max(x1, 0):x2] = 1
    return mask
