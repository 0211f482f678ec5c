"""Resumable shards carry a manifest: a rerun with other images, weights or
settings is refused before it writes, never merged into the old shards; images
loaded by DataLoader workers fill the same shards as loaded in the main process."""
import json
import os

import pytest
import torch

from mmpartdistill.engine.sharded_inference import (default_num_workers, shard_batches,
                                                    sharded_inference)
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


def run(folder, dataset, model, num_workers=0, shard_size=2, batch_size=2, **settings):
    sharded_inference(
        model,
        dataset,
        shard_size=shard_size,
        batch_size=batch_size,
        path_of=lambda j: str(folder / f'shard_{j:06d}.json'),
        start_shard=list,
        process_batch=lambda batch, shard: shard.extend(batch),
        write_shard=lambda shard, path: open(path, 'w').write(json.dumps(shard)),
        what='test',
        manifest=dict(dataset_fingerprint(dataset), **settings),
        collate=list,
        num_workers=num_workers)


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


def test_batches_never_span_two_shards():
    assert shard_batches([0, 2], shard_size=5, batch_size=2, total=12) == [
        (0, [0, 1]), (0, [2, 3]), (0, [4]), (2, [10, 11])]


@pytest.mark.parametrize('workers', [1, 2])
def test_loader_workers_write_the_same_shards(tmp_path, workers):
    """Images loaded by worker processes come in the same order, into the same
    shards, as loaded in the main process; a resumed run loads only what is missing."""
    dataset = Images([f'{i:03d}.png' for i in range(23)])
    model = torch.nn.Linear(2, 2)
    (tmp_path / 'main').mkdir()
    (tmp_path / 'workers').mkdir()
    run(tmp_path / 'main', dataset, model, shard_size=5, batch_size=3)
    run(tmp_path / 'workers', dataset, model, workers, shard_size=5, batch_size=3)
    main = sorted(p.name for p in (tmp_path / 'main').glob('shard_*'))
    assert main == sorted(p.name for p in (tmp_path / 'workers').glob('shard_*'))
    assert len(main) == 5
    for name in main:
        assert (tmp_path / 'main' / name).read_text() == (tmp_path / 'workers' / name).read_text()
    (tmp_path / 'workers' / main[2]).unlink()
    run(tmp_path / 'workers', dataset, model, workers, shard_size=5, batch_size=3)
    assert json.loads((tmp_path / 'workers' / main[2]).read_text()) == [
        f'{i:03d}.png' for i in range(10, 15)]


@pytest.mark.parametrize('cores, workers',
                         [(1, 0), (2, 0), (3, 0), (4, 1), (8, 3), (10, 4), (64, 4)])
def test_default_workers_leave_the_model_its_cores(monkeypatch, cores, workers):
    monkeypatch.setattr(os, 'sched_getaffinity', lambda pid: set(range(cores)))
    assert default_num_workers() == workers
