"""LoadObjectClassMap: each pixel's object class, for part segmentation with given objects."""
import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadObjectClassMap(BaseTransform):
    """Reads ``object_map_path`` (written beside the part maps) into
    ``object_class_map``, a segmentation field, so geometric transforms after
    it move it with the image. Put it before ``Resize`` and pack it with
    ``PackSegInputs(meta_keys=(..., 'object_class_map'))``.
    """

    def transform(self, results: dict) -> dict:
        path = results.get('object_map_path')
        if path is None:
            raise KeyError('LoadObjectClassMap needs object_map_path in the data record '
                           '(PartMapsDataset gives it)')
        object_map = mmcv.imread(path, flag='unchanged', backend='pillow')
        if object_map is None:
            raise FileNotFoundError(f'{path}: cannot read the object class map')
        results['object_class_map'] = np.asarray(object_map)
        results.setdefault('seg_fields', []).append('object_class_map')
        return results
