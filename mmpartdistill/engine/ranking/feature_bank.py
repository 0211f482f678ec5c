"""Per-class banks of kept proposal features, streamed to disk."""
import json
import os
import os.path as osp
import shutil
from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np

from ...datasets.objects_file import AnnotationFormatError
from ...utils import atomic_write_json

INDEX = 'index.json'


class FeatureBank:
    """Kept query features of each object class, one raw float32 file per class.

    Written by appending, one proposal shard at a time, so memory holds one
    shard's features, never the whole split's. The folder is built under a
    temporary name and moved into place when complete; ``index.json`` gives
    the feature dimension and each class's row count.
    """

    def __init__(self, root: str) -> None:
        self.root = root
        path = osp.join(root, INDEX)
        try:
            with open(path) as f:
                index = json.load(f)
            self.dim = int(index['dim'])
            self.counts = {int(c): int(n) for c, n in index['counts'].items()}
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise AnnotationFormatError(f'{path}: unreadable feature-bank index ({e}); delete '
                                        f'{root} and run again to rebuild it') from None

    @staticmethod
    def exists(root: str) -> bool:
        return osp.isfile(osp.join(root, INDEX))

    @classmethod
    def build(cls, root: str, batches: Iterable[Dict[int, np.ndarray]]) -> 'FeatureBank':
        """Stream ``{class id: [n, D] features}`` batches into a new bank at ``root``."""
        tmp = root + '.tmp'
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        counts: Dict[int, int] = {}
        dim = 0
        for batch in batches:
            for cat, feats in batch.items():
                if not len(feats):
                    continue
                dim = feats.shape[1]
                with open(osp.join(tmp, f'class_{cat}.f32'), 'ab') as f:
                    f.write(np.ascontiguousarray(feats, np.float32).tobytes())
                counts[cat] = counts.get(cat, 0) + len(feats)
        atomic_write_json(
            dict(dim=dim, counts={
                str(c): n
                for c, n in counts.items()
            }), osp.join(tmp, INDEX))
        shutil.rmtree(root, ignore_errors=True)
        os.replace(tmp, root)
        return cls(root)

    def load(self, cat: int) -> np.ndarray:
        """``[n, D]`` features of class ``cat`` (empty when it has none)."""
        count = self.counts.get(cat, 0)
        if not count:
            return np.zeros((0, self.dim), np.float32)
        path = osp.join(self.root, f'class_{cat}.f32')
        feats = np.fromfile(path, np.float32)
        if feats.size != count * self.dim:
            raise AnnotationFormatError(f'{path}: {feats.size} values, the index says {count} rows '
                                        f'of {self.dim}; delete {self.root} and run again')
        return feats.reshape(count, self.dim)

    def load_packed(self,
                    classes: List[int],
                    out: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
        """Features of ``classes`` packed in one ``[N, D]`` array, read straight
        into place (no second copy), and ``[B+1]`` row offsets, class ``i``
        owning rows ``offsets[i]:offsets[i + 1]``. The array is the first N
        rows of ``out`` when that has enough."""
        counts = [self.counts.get(cat, 0) for cat in classes]
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        total = int(offsets[-1])
        fits = out is not None and len(out) >= total and out.shape[1:] == (self.dim, )
        packed = out[:total] if fits else np.empty((total, self.dim), np.float32)
        for cat, start, count in zip(classes, offsets[:-1], counts):
            if not count:
                continue
            path = osp.join(self.root, f'class_{cat}.f32')
            with open(path, 'rb') as f:
                read = f.readinto(memoryview(packed[start:start + count]).cast('B'))
            if read != count * self.dim * 4 or osp.getsize(path) != read:
                raise AnnotationFormatError(
                    f'{path}: {osp.getsize(path) // 4} values, the index says {count} rows of '
                    f'{self.dim}; delete {self.root} and run again')
        return packed, offsets

    def batches(self, classes: List[int], memory_limit_mb: float) -> List[List[int]]:
        """Group ``classes`` into batches whose features fit in ``memory_limit_mb``
        (a class larger than the limit is a batch of its own)."""
        limit = memory_limit_mb * 2**20
        out: List[List[int]] = []
        size = 0.0
        for cat in classes:
            need = self.counts.get(cat, 0) * self.dim * 4
            if out and size + need <= limit:
                out[-1].append(cat)
                size += need
            else:
                out.append([cat])
                size = need
        return out
