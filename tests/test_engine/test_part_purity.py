"""part purity: kept proposals' and parts files' segments against the ground-truth parts."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from mmpartdistill.datasets.objects_file import ObjectsFile
from mmpartdistill.datasets.parts_file import PartsFile
from mmpartdistill.engine.ranking.proposal_purity import proposal_purity
from mmpartdistill.evaluation.functional.part_purity import segment_purity
from mmpartdistill.engine.ranking.proposal_shards import (object_proposals, proposal_shard_path,
                                                          write_proposal_shard)

ROOT = Path(__file__).resolve().parents[2]


class Proposals:
    """The fields of ``pred_instances`` that :func:`object_proposals` reads."""

    def __init__(self, masks, scores, feats, object_ids):
        self.masks = torch.as_tensor(np.array(masks))
        self.scores = torch.as_tensor(scores, dtype=torch.float32)
        self.query_feats = torch.as_tensor(np.array(feats), dtype=torch.float32)
        self.object_ids = torch.as_tensor(object_ids)


def shard_of(parts: PartsFile, merge: bool, swap_every: int = 0) -> dict:
    """Per object: one proposal per ground-truth part (feature = one-hot of the
    part's index in its class), plus, with ``merge``, the union of the first two
    parts, scored above them. With ``swap_every``, every n-th part proposal takes
    the feature of another part."""
    records, count = [], 0
    for obj_id, obj in parts.objects.objects.items():
        cats = parts.parts_of_class[obj['category_id']]
        masks, feats, scores = [], [], []
        for ann, mask in zip(parts.parts_by_object[obj_id], parts.part_masks(obj_id)):
            index = cats.index(ann['category_id'])
            count += 1
            if swap_every and count % swap_every == 0:
                index = (index + 1) % len(cats)
            masks.append(mask.astype(bool))
            feats.append(np.eye(8)[index])
            scores.append(0.9)
        if merge and len(masks) >= 2 and masks[0].sum() and masks[1].sum():
            masks.append(masks[0] | masks[1])
            feats.append(np.eye(8)[7])
            scores.append(0.95)
        if masks:
            object_mask = parts.objects.mask(obj_id).astype(bool)
            records += object_proposals(
                Proposals(masks, scores, feats, [obj_id] * len(masks)), {obj_id: object_mask})
    return dict(images=[], objects=[], proposals=records)


def load(root: Path) -> PartsFile:
    objects = ObjectsFile.load(str(root / 'annotations/objects_train.json'))
    return PartsFile.load(str(root / 'annotations/parts_train.json'), objects)


def test_ground_truth_proposals_are_pure_and_agree(synthetic_root):
    parts = load(synthetic_root)
    centroids = {c: np.eye(8)[:len(p)] for c, p in parts.parts_of_class.items()}
    figures = proposal_purity([shard_of(parts, merge=False)], parts, centroids, keep_area=0.0,
                              keep_score=0.0)
    assert figures and all(f['pure'] == 1.0 and f['agreement'] == 1.0 for f in figures.values())
    assert all(abs(f['purity'] - 1.0) < 1e-9 for f in figures.values())

    # a merged proposal outscores its parts: it wins their pixels and is impure
    merged = proposal_purity([shard_of(parts, merge=True)], parts, centroids, keep_area=0.0,
                             keep_score=0.0)
    assert any(f['purity'] < 0.99 and f['pure'] < 1.0 for f in merged.values())
    # pure proposals with swapped features agree less
    swapped = proposal_purity([shard_of(parts, merge=False, swap_every=3)], parts, centroids,
                              keep_area=0.0, keep_score=0.0)
    assert all(f['pure'] == 1.0 for f in swapped.values())
    assert min(f['agreement'] for f in swapped.values()) < 1.0


def test_tool_reads_a_ranking_folder(synthetic_root, tmp_path):
    parts = load(synthetic_root)
    ranking = tmp_path / 'part_ranking'
    (ranking / 'proposals/train').mkdir(parents=True)
    write_proposal_shard(shard_of(parts, merge=False), proposal_shard_path(
        str(ranking / 'proposals/train'), 0))
    (ranking / 'manifest.json').write_text('{"top": 200, "keep_area": 0.0, "keep_score": 0.0}')
    classes = sorted(parts.parts_of_class)
    table = np.full((len(classes), 8, 8), np.nan, np.float32)
    for i, c in enumerate(classes):
        table[i, :len(parts.parts_of_class[c])] = np.eye(8)[:len(parts.parts_of_class[c])]
    np.savez(ranking / 'centroids.npz', class_ids=np.array(classes), centroids=table)
    tool = [sys.executable, ROOT / 'tools/part_purity.py', ranking, '--objects',
            synthetic_root / 'annotations/objects_train.json', '--parts',
            synthetic_root / 'annotations/parts_train.json']
    out = subprocess.run(tool, capture_output=True, text=True, check=True).stdout
    assert '| class | segments | purity (%) |' in out and '| 100.0 | 100.0 | 100.0 |' in out

    missing = subprocess.run(tool[:3] + ['--split', 'val'] + tool[3:], capture_output=True,
                             text=True)
    assert missing.returncode != 0 and "split 'val'" in missing.stderr


def test_segments_of_a_parts_file(synthetic_root, tmp_path):
    parts = load(synthetic_root)
    figures = segment_purity(parts, parts)
    assert figures and all(f['purity'] == 1.0 and f['pure'] == 1.0 for f in figures.values())
    assert sum(f['kept'] for f in figures.values()) == sum(
        len(a) for a in parts.parts_by_object.values())

    # every object as one segment: as pure as its largest part
    data = json.loads((synthetic_root / 'annotations/objects_train.json').read_text())
    whole = dict(categories=[dict(id=c['id'], name=f"{c['name']} whole", supercategory=c['name'])
                             for c in data['categories']],
                 images=data['images'],
                 annotations=[dict(a, object_id=a['id']) for a in data['annotations']])
    (tmp_path / 'whole.json').write_text(json.dumps(whole))
    tool = [sys.executable, ROOT / 'tools/part_purity.py', tmp_path / 'whole.json', '--objects',
            synthetic_root / 'annotations/objects_train.json', '--parts',
            synthetic_root / 'annotations/parts_train.json']
    out = subprocess.run(tool, capture_output=True, text=True, check=True).stdout
    assert '| class | segments | purity (%) | purer than 0.8 (%) |' in out
    assert 'agreement' not in out
    rows = [line.strip('|').split('|') for line in out.splitlines()[2:]]
    assert rows and all(float(row[2]) < 100.0 for row in rows)  # the purity column
