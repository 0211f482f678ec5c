"""Object classes and part counts read from a config's data, never listed in it.

A config leaves the class counts of its model unset (``None``):
``num_things_classes`` of a stock Mask2Former head, ``num_object_classes``
and ``num_parts`` of :class:`PartDistillationHead`, the fusion head's
``num_things_classes`` and ``loss_cls.class_weight``. :func:`fill_data_classes`
fills them from the objects file (and, for class-specific parts, the parts
file) of the training data, else from a checkpoint's ``dataset_meta``, else
from the test data's objects file. A count the config does give must agree
with the data.
"""
import os.path as osp
from dataclasses import dataclass
from typing import Optional, Tuple

from mmengine.config import Config, ConfigDict

from ..datasets.categories import DataClassesError, object_classes_of, parts_per_class_of

# Mask2Former's weight of the no-object class in the classification loss
NO_OBJECT_WEIGHT = 0.1
# datasets whose files this module reads: {type: (objects file key, parts file key)}
DATASET_FILES = {
    'ObjectsDataset': ('ann_file', None),
    'PseudoPartsDataset': ('objects_file', 'ann_file'),
}
CLASS_AGNOSTIC_HEADS = ('PartProposalHead', )


@dataclass(frozen=True)
class DataClasses:
    """The object classes of a dataset and, for class-specific parts, K per class."""
    object_classes: Tuple[str, ...]
    parts_per_class: Optional[Tuple[int, ...]]
    source: str

    @property
    def num_parts(self) -> Optional[int]:
        """K: part slots per object class (the most parts any class has)."""
        return max(self.parts_per_class) if self.parts_per_class else None


def _innermost(dataset: Optional[dict]) -> Optional[dict]:
    while isinstance(dataset, dict) and isinstance(dataset.get('dataset'), dict):
        dataset = dataset['dataset']  # dataset wrappers
    return dataset


def _path(dataset: dict, key: str) -> str:
    path = dataset[key]
    root = dataset.get('data_root')
    return osp.join(root, path) if root and not osp.isabs(path) else path


def _class_specific(dataset: dict) -> bool:
    return bool(dataset.get('class_specific') or dataset.get('num_parts'))


def classes_of_dataset(dataset: dict, with_parts: bool) -> Optional[DataClasses]:
    """The classes of a dataset config whose files exist; None for other datasets."""
    dataset = _innermost(dataset)
    files = DATASET_FILES.get(str((dataset or {}).get('type', '')).split('.')[-1])
    if files is None or not dataset.get(files[0]):
        return None
    objects_file = _path(dataset, files[0])
    if not osp.exists(objects_file):
        return None
    names = object_classes_of(objects_file)[1]
    parts = None
    if with_parts and files[1] and _class_specific(dataset):
        parts_file = _path(dataset, files[1])
        if not osp.exists(parts_file):
            return None
        parts = parts_per_class_of(parts_file, names)
    return DataClasses(names, parts, objects_file)


def classes_of_checkpoint(meta: Optional[dict], source: str,
                          class_specific: bool) -> Optional[DataClasses]:
    """The object classes a checkpoint was trained on (its ``dataset_meta``:
    ``object_classes``, or an instance model's ``classes``), if it saved them."""
    meta = (meta or {}).get('dataset_meta') or {}
    names = meta.get('object_classes') or (None if class_specific else meta.get('classes'))
    if not names:
        return None
    parts = meta.get('parts_per_class')
    return DataClasses(tuple(names), tuple(parts) if parts else None, source)


def checkpoint_meta(path: Optional[str]) -> Optional[dict]:
    """The ``meta`` of a local checkpoint file; None when there is none."""
    if not path or not osp.isfile(path):
        return None
    from mmengine.runner.checkpoint import _load_checkpoint
    return _load_checkpoint(path, map_location='cpu').get('meta')


def data_classes(cfg: Config,
                 meta: Optional[dict] = None,
                 with_parts: bool = False,
                 prefer_checkpoint: bool = False) -> Optional[DataClasses]:
    """The classes of the training data, else of the checkpoint (``meta``, or
    ``load_from``'s), else of the test data; the checkpoint's first with
    ``prefer_checkpoint`` (testing given weights)."""
    train = _innermost((cfg.get('train_dataloader') or {}).get('dataset'))
    from_train = (lambda: classes_of_dataset(train, with_parts)) if train else (lambda: None)

    def from_checkpoint() -> Optional[DataClasses]:
        return classes_of_checkpoint(
            meta or checkpoint_meta(cfg.get('load_from')), str(cfg.get('load_from')), with_parts)

    # the checkpoint is read once at most: first when preferred, else last
    first, second = (from_checkpoint, from_train) if prefer_checkpoint else (from_train,
                                                                             from_checkpoint)
    found = first() or second()
    for loader in ('test_dataloader', 'val_dataloader'):
        if found is None:
            found = classes_of_dataset((cfg.get(loader) or {}).get('dataset'), False)
    return found


def _set(section: ConfigDict, key: str, value, where: str, source: str) -> None:
    given = section.get(key)
    if given is None:
        section[key] = value
    elif given != value:
        raise DataClassesError(f'{where}.{key}={given!r} but the data gives {value!r} '
                               f'({source}); leave {key} unset (None) to take it from the data')


def fill_data_classes(cfg: Config,
                      meta: Optional[dict] = None,
                      prefer_checkpoint: bool = False) -> None:
    """Fill the model's unset class counts from the config's data, in place
    (``meta``: the checkpoint's, when the caller has it loaded; see
    :func:`data_classes` for ``prefer_checkpoint``)."""
    model = cfg.get('model')
    head = (model or {}).get('panoptic_head')
    if not isinstance(head, dict):
        return
    head_type = str(head.get('type', '')).split('.')[-1]
    if head_type in CLASS_AGNOSTIC_HEADS:
        return
    class_specific = head_type == 'PartDistillationHead'
    found = data_classes(cfg, meta, class_specific, prefer_checkpoint)
    if found is None:
        if None in (head.get('num_object_classes'), head.get('num_parts')) if class_specific \
                else head.get('num_things_classes') is None:
            raise DataClassesError(
                'the model\'s class counts come from its data, but no objects file of the '
                'config exists (train_dataloader, else load_from\'s dataset_meta, else '
                'test_dataloader): make the data first, or run the stage that writes it')
        return
    num_objects = len(found.object_classes)
    if class_specific:
        if found.num_parts is None:
            raise DataClassesError(f'{found.source}: the data gives no part count per class; '
                                   'train on class-specific parts (PseudoPartsDataset with '
                                   'class_specific=True)')
        _set(head, 'num_object_classes', num_objects, 'model.panoptic_head', found.source)
        _set(head, 'num_parts', found.num_parts, 'model.panoptic_head', found.source)
        _set(head, 'parts_per_class', list(found.parts_per_class), 'model.panoptic_head',
             found.source)
        total = num_objects * found.num_parts
    else:
        _set(head, 'num_things_classes', num_objects, 'model.panoptic_head', found.source)
        total = num_objects
    loss_cls = head.get('loss_cls')
    if isinstance(loss_cls, dict) and 'class_weight' in loss_cls:
        weight = loss_cls['class_weight']
        if weight is None:
            loss_cls['class_weight'] = [1.0] * total + [NO_OBJECT_WEIGHT]
        elif len(weight) != total + 1:
            raise DataClassesError(
                f'model.panoptic_head.loss_cls.class_weight has {len(weight)} entries but the '
                f'data gives {total} classes and no-object ({found.source}); leave it unset '
                f'(None) for 1 per class and {NO_OBJECT_WEIGHT} for no-object')
    fusion = model.get('panoptic_fusion_head')
    if isinstance(fusion, dict) and 'num_things_classes' in fusion:
        _set(fusion, 'num_things_classes', total, 'model.panoptic_fusion_head', found.source)
