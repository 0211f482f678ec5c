from PIL import Image
from real_format_fixtures import png_header

from mmpartdistill.datasets.converters.image_check import readable_image


def test_images_too_large_are_refused_from_their_header(tmp_path):
    large = tmp_path / 'large.png'
    large.write_bytes(png_header(12000, 9000))  # over PIL's limit, under twice it
    assert readable_image(str(large)) == 'image too large (12000 x 9000 pixels)'
    huge = tmp_path / 'huge.png'
    huge.write_bytes(png_header(40000, 30000))
    assert readable_image(str(huge)).startswith('image too large (over ')
    small = tmp_path / 'small.png'
    Image.new('RGB', (64, 48)).save(small)
    assert readable_image(str(small)) == ''
    assert readable_image(str(small), max_pixels=1000) == 'image too large (64 x 48 pixels)'


def test_unreadable_and_missing_images_are_named(tmp_path):
    assert readable_image(str(tmp_path / 'none.png')) == 'image file missing'
    broken = tmp_path / 'broken.png'
    broken.write_bytes(png_header(64, 48))  # a header and no pixel data
    assert readable_image(str(broken)).startswith('image unreadable')
