"""Rating files of the part gallery, merged into per-class and overall scores."""
import json

import pytest

from mmpartdistill.evaluation import RatingsError, read_ratings, summarize_ratings

CRITERIA = ['precision', 'diversity', 'generality']


def ratings_file(tmp_path, rater, ratings, saved='2026-12-01T10:00:00Z', name=None):
    path = tmp_path / (name or f'ratings-{rater}.json')
    path.write_text(json.dumps(dict(format='mmpartdistill-part-ratings', version=1, gallery='g',
                                    rater=rater, scale=dict(min=1, max=5), criteria=CRITERIA,
                                    saved=saved, ratings=ratings)))
    return str(path)


def rate(p, d, g):
    return dict(precision=p, diversity=d, generality=g, comment='')


def test_per_class_and_overall_spread_between_raters(tmp_path):
    a = ratings_file(tmp_path, 'ann', {'lamp': rate(4, 2, 5), 'car': rate(2, 2, 3)})
    b = ratings_file(tmp_path, 'bob', {'lamp': rate(2, 4, 5)})
    summary = summarize_ratings([a, b])
    assert summary['raters'] == ['ann', 'bob']
    lamp = summary['classes']['lamp']
    assert lamp['precision']['mean'] == 3 and lamp['precision']['std'] == pytest.approx(2**0.5)
    assert lamp['generality'] == dict(mean=5, std=0, n=2)
    assert summary['classes']['car']['precision']['n'] == 1
    # overall: ann's mean precision 3.0, bob's 2.0
    assert summary['overall']['precision']['mean'] == pytest.approx(2.5)
    assert summary['overall']['precision']['n'] == 2


def test_the_last_file_saved_by_a_rater_counts(tmp_path):
    old = ratings_file(tmp_path, 'ann', {'lamp': rate(1, 1, 1)}, '2026-12-01T09:00:00Z', 'a1.json')
    new = ratings_file(tmp_path, 'ann', {'lamp': rate(5, 5, 5)}, '2026-12-01T11:00:00Z', 'a2.json')
    summary = summarize_ratings([new, old])
    assert summary['classes']['lamp']['precision']['mean'] == 5 and summary['replaced'] == [old]


@pytest.mark.parametrize('change, message', [
    (dict(format='other'), "its \"format\" must be 'mmpartdistill-part-ratings'"),
    (dict(rater=''), '"rater" must be a name'),
    (dict(ratings={'lamp': rate(6, 1, 1)}), 'ratings.lamp.precision is 6; it must be an integer '
     'from 1 to 5'),
    (dict(ratings={'lamp': dict(precision=3, diversity=3)}), 'ratings.lamp.generality is None'),
])
def test_bad_rating_files_name_the_file_and_field(tmp_path, change, message):
    path = tmp_path / 'r.json'
    data = json.loads(open(ratings_file(tmp_path, 'ann', {'lamp': rate(3, 3, 3)})).read())
    path.write_text(json.dumps(dict(data, **change)))
    with pytest.raises(RatingsError) as e:
        read_ratings(str(path))
    assert str(path) in str(e.value) and message in str(e.value)


def test_files_of_other_criteria_are_not_merged(tmp_path):
    a = ratings_file(tmp_path, 'ann', {'lamp': rate(3, 3, 3)})
    other = json.loads(open(a).read())
    other.update(rater='bob', criteria=['precision'])
    b = tmp_path / 'b.json'
    b.write_text(json.dumps(other))
    with pytest.raises(RatingsError, match='criteria or scale differ'):
        summarize_ratings([a, str(b)])
