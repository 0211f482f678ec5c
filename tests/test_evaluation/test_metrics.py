import pytest
import torch
from mmengine.structures import InstanceData

from mmpartdistill.evaluation import PartMIoUMetric, PartProposalRecall


def ground_truth_as_predictions(metric, drop_class=None):
    """Data samples whose pred_instances are the ground-truth parts themselves."""
    parts = metric.parts
    samples = []
    for img_id, object_ids in parts.objects.objects_by_image.items():
        masks, part_ids, obj_ids = [], [], []
        for obj_id in object_ids:
            if parts.objects.objects[obj_id]['category_id'] == drop_class:
                continue
            for ann, mask in zip(parts.parts_by_object[obj_id], parts.part_masks(obj_id)):
                masks.append(torch.from_numpy(mask).bool())
                part_ids.append(ann['category_id'] + 100)  # cluster ids need not be part ids
                obj_ids.append(obj_id)
        image = parts.objects.images[img_id]
        pred = InstanceData(
            masks=torch.stack(masks) if masks else torch.zeros(0, image['height'], image['width']),
            scores=torch.ones(len(masks)),
            part_ids=torch.tensor(part_ids, dtype=torch.long),
            object_ids=torch.tensor(obj_ids, dtype=torch.long))
        samples.append(dict(img_id=img_id, pred_instances=pred.to_dict()))
    return samples


def files(root):
    return dict(
        objects_file=str(root / 'annotations/objects_val.json'),
        parts_file=str(root / 'annotations/parts_val.json'))


def test_ground_truth_scores_full_marks(synthetic_root):
    miou, recall = PartMIoUMetric(**files(synthetic_root)), PartProposalRecall(
        **files(synthetic_root))
    for metric in (miou, recall):
        samples = ground_truth_as_predictions(metric)
        for sample in samples:
            metric.process({}, [sample])
        result = metric.evaluate(len(samples))
        assert all(v == pytest.approx(100) for v in result.values()), result


def test_a_missed_class_lowers_class_mean(synthetic_root):
    metric = PartMIoUMetric(**files(synthetic_root), mappings=('hungarian', ))
    dropped = next(iter(metric.parts.objects.objects.values()))['category_id']
    samples = ground_truth_as_predictions(metric, drop_class=dropped)
    metric.process({}, samples)
    result = metric.evaluate(len(samples))
    classes = {o['category_id'] for o in metric.parts.objects.objects.values()}
    assert result['part/hungarian/C-mIoU'] == pytest.approx(100 * (len(classes) - 1) / len(classes))


def test_unknown_mapping_is_refused(synthetic_root):
    with pytest.raises(ValueError, match='unknown mappings'):
        PartMIoUMetric(**files(synthetic_root), mappings=('vote', ))
