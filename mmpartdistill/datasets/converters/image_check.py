"""Whether a converter's image can be read, said in words for the skip summary."""
import os.path as osp

from PIL import Image


def readable_image(path: str) -> str:
    """'' when the image decodes, else why not."""
    if not osp.isfile(path):
        return 'image file missing'
    try:
        with Image.open(path) as image:
            image.load()
    except (OSError, SyntaxError) as e:
        return f'image unreadable ({type(e).__name__})'
    return ''
