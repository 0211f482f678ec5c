import subprocess
import sys
from pathlib import Path

import pytest

from mmpartdistill.datasets import ObjectsFile, PartsFile, fewshot_subset
from mmpartdistill.datasets.objects_file import read_coco_json

ROOT = Path(__file__).resolve().parents[2]


def test_subsets_are_seeded_nested_and_consistent(synthetic_root):
    ann = synthetic_root / 'annotations'
    objects, parts = read_coco_json(str(ann / 'objects_val.json')), read_coco_json(
        str(ann / 'parts_val.json'))
    ids = {
        p: {i['id']
            for i in fewshot_subset(objects, parts, p)[0]['images']}
        for p in (10, 50, 100)
    }
    assert len(ids[10]) == 1 and len(ids[50]) == 4 and len(ids[100]) == 8
    assert ids[10] <= ids[50] <= ids[100]
    assert ids[50] == {i['id'] for i in fewshot_subset(objects, parts, 50)[0]['images']}
    assert ids[50] != {i['id'] for i in fewshot_subset(objects, parts, 50, seed=1)[0]['images']}
    sub_objects, sub_parts = fewshot_subset(objects, parts, 50)
    assert {a['image_id'] for a in sub_parts['annotations']} <= ids[50]
    with pytest.raises(ValueError, match='percent'):
        fewshot_subset(objects, parts, 0)


def test_tool_writes_loadable_files(synthetic_root, tmp_path):
    for name in ('objects_val.json', 'parts_val.json'):
        (tmp_path / name).write_bytes((synthetic_root / 'annotations' / name).read_bytes())
    result = subprocess.run([
        sys.executable,
        str(ROOT / 'tools/make_fewshot_split.py'), '--objects',
        str(tmp_path / 'objects_val.json'), '--parts',
        str(tmp_path / 'parts_val.json'), '--percent', '25', '100'
    ],
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert '25pct: 2 images' in result.stdout
    objects = ObjectsFile.load(str(tmp_path / 'objects_val_25pct.json'))
    parts = PartsFile.load(str(tmp_path / 'parts_val_25pct.json'), objects)
    assert len(objects.images) == 2 and sum(map(len, parts.parts_by_object.values())) > 0
