"""Few-shot splits: the first N% of a split's images after a seeded shuffle."""
import math
import random
from typing import Tuple


def fewshot_subset(objects: dict,
                   parts: dict,
                   percent: float,
                   seed: int = 1234) -> Tuple[dict, dict]:
    """Objects and parts files cut to the first ``percent``% of the images
    (at least one) after shuffling them, sorted by id, with ``random.Random(seed)``.

    The same seed gives nested subsets: 1% is inside 5%, inside 10%.
    """
    if not 0 < percent <= 100:
        raise ValueError(f'percent must be in (0, 100], got {percent}')
    images = sorted(objects['images'], key=lambda image: image['id'])
    random.Random(seed).shuffle(images)
    keep_images = images[:max(1, math.floor(len(images) * percent / 100))]
    keep = {image['id'] for image in keep_images}
    kept_images = sorted(keep_images, key=lambda image: image['id'])

    def cut(data: dict) -> dict:
        return dict(
            data,
            images=kept_images,
            annotations=[a for a in data['annotations'] if a['image_id'] in keep])

    return cut(objects), cut(parts)
