"""Resumable shards carry a manifest: a rerun with other images, weights or
settings is refused before it writes, never merged into the old shards."""
import json

import pytest
import torch

from mmpartdistill.engine.sharded_inference import sharded_inference
from mmpartdistill.utils.manifest import dataset_fingerprint


class Images(torch.utils.data.Dataset):

    def __init__(self, names):
        self.names = names

    def __len__(self):
        return len(self.names)

    def __getitem__(self, i):
        return self.names[i]

    def get_data_info(self, i):
        return dict(img_path=self.names[i])


def run(folder, dataset, model, **settings):
    sharded_inference(
        model,
        dataset,
        shard_size=2,
        batch_size=2,
        path_of=lambda j: str(folder / f'shard_{j:06d}.json'),
        start_shard=list,
        process_batch=lambda batch, shard: shard.extend(batch),
        write_shard=lambda shard, path: open(path, 'w').write(json.dumps(shard)),
        what='test',
        manifest=dict(dataset_fingerprint(dataset), **settings),
        collate=list)


def test_reruns_resume_only_with_the_same_inputs(tmp_path):
    model = torch.nn.Linear(2, 2)
    train, val = Images(['a.png', 'b.png', 'c.png']), Images(['x.png', 'y.png', 'z.png'])
    run(tmp_path, train, model, num_parts=4)
    assert json.loads((tmp_path / 'shard_000001.json').read_text()) == ['c.png']
    (tmp_path / 'shard_000001.json').unlink()
    run(tmp_path, train, model, num_parts=4)  # resumes the missing shard
    assert json.loads((tmp_path / 'shard_000001.json').read_text()) == ['c.png']
    with pytest.raises(ValueError, match=r"made with other \['images'\]"):
        run(tmp_path, val, model, num_parts=4)
    with pytest.raises(ValueError, match=r"other \['num_parts'\]"):
        run(tmp_path, train, model, num_parts=8)
    other = torch.nn.Linear(2, 2)
    with pytest.raises(ValueError, match=r"other \['model'\]"):
        run(tmp_path, train, other, num_parts=4)
    assert json.loads((tmp_path / 'shard_000000.json').read_text()) == ['a.png', 'b.png']
