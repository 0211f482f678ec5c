"""Part colours: one colour per part id, the same for every instance of a class."""
import numpy as np

# Distinct colours; part id i of any class is drawn in PALETTE[i % len(PALETTE)], so
# one part id keeps its colour across all instances of a class.
PALETTE = np.array([(230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
                    (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212),
                    (0, 128, 128), (170, 110, 40)], np.float32)


def part_colour(part_id: int) -> np.ndarray:
    return PALETTE[part_id % len(PALETTE)]


def class_part_palette(parts_per_slot: int, num_object_classes: int) -> list:
    """A dataset palette for class-specific part labels ``c * K + k``: part ``k``
    of every class in its part colour, one entry per label."""
    return [tuple(int(v) for v in part_colour(k))
            for _ in range(num_object_classes) for k in range(parts_per_slot)]
