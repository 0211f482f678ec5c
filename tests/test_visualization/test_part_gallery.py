"""The part gallery: pages of every class from a parts or predictions file, and bad input."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mmpartdistill.datasets import ObjectsFile, make_synthetic_parts
from mmpartdistill.visualization import read_gallery_parts, write_part_gallery

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def benchmark(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp('gallery_data')
    make_synthetic_parts(
        str(root),
        num_images=24,
        seed=3,
        image_size=64,
        val_fraction=0.5,
        classes=['lamp', 'car', 'mug'])
    return root


def predictions_of(parts_file: Path) -> list:
    """The ground-truth parts as a prediction list (part_id from the category)."""
    data = json.loads(parts_file.read_text())
    part_id = {c['id']: c['part_id'] for c in data['categories']}
    objects = json.loads(parts_file.with_name('objects_val.json').read_text())
    category = {o['id']: o['category_id'] for o in objects['annotations']}
    return [
        dict(
            image_id=a['image_id'],
            object_id=a['object_id'],
            category_id=category[a['object_id']],
            part_id=part_id[a['category_id']],
            score=0.5 + 0.01 * i,
            segmentation=a['segmentation']) for i, a in enumerate(data['annotations'])
    ]


def gallery(benchmark: Path, pred, out: Path, **kwargs) -> dict:
    objects = ObjectsFile.load(str(benchmark / 'annotations/objects_val.json'))
    return write_part_gallery(objects, read_gallery_parts(str(pred), objects),
                              str(benchmark / 'images'), str(out), **kwargs)


def test_a_parts_file_gives_a_page_per_class_with_strips_and_the_form(benchmark, tmp_path):
    summary = gallery(
        benchmark, benchmark / 'annotations/parts_val.json', tmp_path / 'g', per_part=3)
    assert summary['classes'] == 3 and not summary['skipped'] and not summary['empty_classes']
    index = (tmp_path / 'g/index.html').read_text()
    assert index.count('<tr><td><a href="classes/') == 3 and 'id="search"' in index
    names = {
        c['name']
        for c in json.loads((benchmark / 'annotations/objects_val.json').read_text())['categories']
    }
    assert {
        c[0]
        for c in json.loads((tmp_path / 'g/classes.js').read_text()[len('const CLASSES='):-2])
    } == names
    page = next((tmp_path / 'g/classes').glob('*.html')).read_text()
    assert 'id="rating"' in page and 'precision' in page and 'generality' in page
    strips = re.findall(r'<div class="strip">(.*?)</div></section>', page)
    assert strips and all(1 <= s.count('<img') <= 3 for s in strips)
    for src in re.findall(r'src="\.\./(assets/[^"]+)"', page):
        assert (tmp_path / 'g' / src).stat().st_size > 0


def test_predictions_are_shown_best_first_and_paged(benchmark, tmp_path):
    records = predictions_of(benchmark / 'annotations/parts_val.json')
    pred = tmp_path / 'pred.json'
    pred.write_text(json.dumps(records))
    summary = gallery(benchmark, pred, tmp_path / 'g', per_part=2, classes_per_page=2)
    assert summary['kind'] == 'predictions' and summary['index_pages'] == 2
    assert (tmp_path / 'g/index-2.html').exists()
    page = next((tmp_path / 'g/classes').glob('*.html')).read_text()
    scores = [float(s) for s in re.findall(r'</figure>|>(\d\.\d\d)</figure>', page) if s]
    first_strip = re.findall(r'>(\d\.\d\d)</figure>', page.split('</section>')[0])
    assert first_strip == sorted(first_strip, reverse=True) and scores


def test_bad_input_is_reported_on_the_pages_never_a_broken_site(benchmark, tmp_path):
    records = predictions_of(benchmark / 'annotations/parts_val.json')
    objects = json.loads((benchmark / 'annotations/objects_val.json').read_text())
    mug = next(c['id'] for c in objects['categories'] if c['name'] == 'mug')
    records = [r for r in records if r['category_id'] != mug]  # an empty class
    records.append(dict(records[0], object_id=987654))  # an object the objects file lacks
    pred = tmp_path / 'pred.json'
    pred.write_text(json.dumps(records))
    images = tmp_path / 'images'
    images.mkdir()
    files = sorted({i['file_name'] for i in objects['images']})
    for name in files[1:]:
        (images / name).write_bytes((benchmark / 'images' / name).read_bytes())
    (images / files[1]).write_bytes(b'not an image')  # unreadable; files[0] is missing
    objects_file = ObjectsFile.load(str(benchmark / 'annotations/objects_val.json'))
    summary = write_part_gallery(objects_file, read_gallery_parts(str(pred), objects_file),
                                 str(images), str(tmp_path / 'g'))
    assert summary['skipped']['object not in the objects file'] == 1
    assert summary['skipped']['images missing or unreadable'] >= 1
    assert summary['empty_classes'] == ['mug']
    index = (tmp_path / 'g/index.html').read_text()
    assert 'object_id 987654 is not an object of' in index and 'id="problems"' in index
    assert 'No parts of mug' in (tmp_path / f'g/classes/{mug}.html').read_text()
    shown = ''.join(p.read_text() for p in (tmp_path / 'g/classes').glob('*.html'))
    assert 'image missing or unreadable' in shown


def test_the_tool_refuses_what_is_not_a_parts_or_predictions_file(benchmark, tmp_path):
    bad = tmp_path / 'bad.json'
    bad.write_text('{"images": []}')
    out = subprocess.run([
        sys.executable, ROOT / 'tools/part_gallery.py', '--pred', bad, '--objects', benchmark /
        'annotations/objects_val.json', '--img-dir', benchmark / 'images', '--out', tmp_path / 'g'
    ],
                         capture_output=True,
                         text=True)
    assert out.returncode != 0
    assert f'{bad}: neither a part predictions list nor a parts file' in out.stderr
