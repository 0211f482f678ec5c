"""The object inputs that the part detectors need at inference."""
from mmdet.structures import SampleList

HOW_TO_ADD = ('give each data sample its objects: gt_instances with masks, bboxes and labels '
              '(LoadAnnotations(with_bbox=True, with_mask=True) in the test pipeline) and '
              "object_ids in its metainfo (PackDetInputs(meta_keys=(..., 'object_ids'))), as "
              'ObjectsDataset does, or pass them to PartInferencer')


def check_objects(batch_data_samples: SampleList, detector: str) -> None:
    """Raise a ValueError naming what is missing when a sample lacks its objects."""
    for index, sample in enumerate(batch_data_samples):
        objects = sample.get('gt_instances')
        missing = ['gt_instances'] if objects is None else [
            f'gt_instances.{key}' for key in ('masks', 'bboxes', 'labels') if key not in objects
        ]
        if 'object_ids' not in sample.metainfo:
            missing.append('metainfo object_ids')
        elif objects is not None and len(sample.object_ids) != len(objects):
            raise ValueError(f'{detector}.predict: sample {index} has {len(objects)} objects but '
                             f'{len(sample.object_ids)} object_ids')
        if missing:
            name = sample.metainfo.get('img_path', f'sample {index}')
            raise ValueError(f'{detector}.predict segments given objects, and {name} lacks '
                             f'{", ".join(missing)}: {HOW_TO_ADD}')
