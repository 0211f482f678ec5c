"""Loading of a split's ground truth, shared by the metrics."""
from ..parts_file import PartsFile
from ...datasets.objects_file import ObjectsFile


def load_ground_truth(objects_file: str, parts_file: str) -> PartsFile:
    return PartsFile.load(parts_file, ObjectsFile.load(objects_file))
