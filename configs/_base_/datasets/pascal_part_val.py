# Pascal-Part val (tools/dataset_converters/pascal_part.py; JPEGImages links VOC2012's).
# The authors' protocol: part mIoU (majority vote; Hungarian also reported)
# and proposal AR@200, overlapping and non-overlapping.
_base_ = ['./part_benchmark_eval.py']
data_root = 'data/pascal_part/'
objects_file = data_root + 'annotations/objects_val.json'
parts_file = data_root + 'annotations/parts_val.json'
test_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        ann_file='annotations/objects_val.json',
        data_prefix=dict(img='JPEGImages/')))
val_dataloader = test_dataloader
truth = dict(objects_file=objects_file, parts_file=parts_file)
test_evaluator = [
    dict(type='PartMIoUMetric', **truth),
    dict(type='PartProposalRecall', max_dets=(200, ), **truth),
    dict(
        type='PartProposalRecall',
        max_dets=(200, ),
        overlapping=False,
        prefix='proposal_disjoint',
        **truth),
]
val_evaluator = test_evaluator
