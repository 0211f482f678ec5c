"""Whether a converter's image can be read, said in words for the skip summary."""
import os.path as osp
import warnings

from PIL import Image


def readable_image(path: str, max_pixels: int = Image.MAX_IMAGE_PIXELS) -> str:
    """'' when the image decodes, else why not. Images of more than
    ``max_pixels`` (PIL's decompression-bomb limit by default) are refused from
    their header, before decoding: they would take gigabytes on the way to a
    detector that resizes them anyway."""
    if not osp.isfile(path):
        return 'image file missing'
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > max_pixels:
                    return f'image too large ({width} x {height} pixels)'
                image.load()
    except Image.DecompressionBombError:  # PIL refuses twice its limit when opening
        return f'image too large (over {2 * Image.MAX_IMAGE_PIXELS} pixels)'
    except (OSError, SyntaxError, ValueError) as e:
        return f'image unreadable ({type(e).__name__})'
    return ''
