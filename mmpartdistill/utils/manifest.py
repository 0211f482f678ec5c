"""Manifests of resumable outputs: what a folder of shards was made from."""
import hashlib
import json
import os.path as osp

import torch

from .atomic_io import atomic_write_json


def digest(items) -> str:
    """A short fingerprint of JSON-able ``items``."""
    return hashlib.sha1(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()


def model_fingerprint(model: torch.nn.Module) -> str:
    """A fingerprint of a model's weights and buffers (its checkpoint, in effect)."""
    sha = hashlib.sha1()
    for name, tensor in model.state_dict().items():
        sha.update(name.encode())
        sha.update(tensor.detach().cpu().reshape(-1).contiguous().view(
            torch.uint8).numpy().tobytes())
    return sha.hexdigest()


def dataset_fingerprint(dataset) -> dict:
    """The images a dataset yields, in order, as a count and a fingerprint."""
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    paths = [info.get('img_path', info.get('img_id')) for info in infos]
    return dict(num_images=len(paths), images=digest(paths))


def check_manifest(path: str, manifest: dict) -> None:
    """Write ``manifest`` at ``path``, or check it against the one there: a
    rerun with other inputs or settings is refused, never merged in."""
    manifest = json.loads(json.dumps(manifest, default=str))
    if osp.exists(path):
        with open(path) as f:
            previous = json.load(f)
        changed = sorted(
            k for k in set(manifest) | set(previous) if manifest.get(k) != previous.get(k))
        if changed:
            raise ValueError(f'{path}: the shards beside it were made with other {changed}; '
                             'give a new output folder, or delete that one to start over')
    else:
        atomic_write_json(manifest, path)
