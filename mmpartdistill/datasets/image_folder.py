"""Image-folder datasets (ImageNet-1K / 21K layout): ROOT/<class id>/<image>."""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

IMAGE_SUFFIXES = ('.jpeg', '.jpg', '.png', '.bmp', '.webp')


@dataclass(frozen=True)
class ImageFolderClass:
    """A class folder: its id (the folder name, e.g. a WordNet id) and a name."""
    class_id: str
    name: str


@dataclass(frozen=True)
class ImageFolderRecord:
    """One image: its path relative to the root and the index of its class."""
    file_name: str
    class_index: int


def read_class_names(path: str) -> Dict[str, str]:
    """Class id -> name from lines ``<id> <name>[, <synonym>...]``, as in
    ImageNet's ``LOC_synset_mapping.txt``; the first name is kept."""
    names = {}
    with open(path) as f:
        for line_no, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            class_id, _, rest = line.partition(' ')
            name = rest.split(',')[0].strip()
            if not name:
                raise ValueError(f'{path}:{line_no}: expected "<class id> <name>", got {line!r}')
            if class_id in names:
                raise ValueError(f'{path}:{line_no}: class id {class_id} appears twice')
            names[class_id] = name
    return names


def read_class_ids(path: str) -> List[str]:
    """Class ids listed one per line (``#`` starts a comment)."""
    with open(path) as f:
        return [line.split('#')[0].strip() for line in f if line.split('#')[0].strip()]


def image_folder_classes(root: str,
                         names: Optional[Dict[str, str]] = None,
                         exclude: Sequence[str] = ()) -> List[ImageFolderClass]:
    """The class folders of ``root`` in sorted order, less ``exclude``.

    With ``names`` every folder must be named there; without, a folder's name
    is its class name.
    """
    if not osp.isdir(root):
        raise FileNotFoundError(f'{root}: image folder not found')
    folders = sorted(d for d in os.listdir(root) if osp.isdir(osp.join(root, d)))
    unknown = sorted(set(exclude) - set(folders))
    if unknown:
        raise ValueError(f'excluded class ids not found as folders of {root}: {unknown[:5]}')
    if names is not None:
        unnamed = [d for d in folders if d not in names]
        if unnamed:
            raise ValueError(f'{root}: class folders without a name in the class list: '
                             f'{unnamed[:5]}{" ..." if len(unnamed) > 5 else ""}')
    classes = [
        ImageFolderClass(d, names[d] if names is not None else d) for d in folders
        if d not in set(exclude)
    ]
    if not classes:
        raise ValueError(f'{root}: no class folders left to label')
    return classes


def image_folder_records(root: str, classes: Sequence[ImageFolderClass]) -> List[ImageFolderRecord]:
    """Every image of the class folders, in sorted order (stable across runs)."""
    records = []
    for index, cls in enumerate(classes):
        folder = osp.join(root, cls.class_id)
        records += [
            ImageFolderRecord(f'{cls.class_id}/{f}', index) for f in sorted(os.listdir(folder))
            if f.lower().endswith(IMAGE_SUFFIXES)
        ]
    if not records:
        raise ValueError(f'{root}: no images ({", ".join(IMAGE_SUFFIXES)}) in its class folders')
    return records
