"""``part_maps.json``: the label space of a folder of semantic part maps."""
import json
import os.path as osp

META_FILE = 'part_maps.json'


def load_part_maps_meta(path: str, discovered: bool = False) -> dict:
    """``part_maps.json`` of a map folder (or the file itself); ``discovered``:
    it must label discovered parts (``by='part_id'``), K per object class."""
    if osp.isdir(path):
        path = osp.join(path, META_FILE)
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: write the maps with '
                                'tools/dataset_converters/semantic_part_maps.py')
    with open(path) as f:
        meta = json.load(f)
    if discovered and not meta.get('num_parts'):
        raise ValueError(f'{path}: maps by {meta.get("by")!r} have no parts per object class; '
                         'write discovered parts with --by part_id')
    return meta
