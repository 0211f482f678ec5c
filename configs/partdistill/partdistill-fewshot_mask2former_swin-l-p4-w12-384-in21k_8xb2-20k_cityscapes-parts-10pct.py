# Few-shot: as the 100% config, on the first 10% of the train images after a
# seed-1234 shuffle (tools/make_fewshot_split.py).
_base_ = [
    './partdistill-fewshot_mask2former_swin-l-p4-w12-384-in21k_8xb2-20k_cityscapes-parts-100pct.py'
]
train_dataloader = dict(
    dataset=dict(
        ann_file='annotations/parts_train_10pct.json',
        objects_file='annotations/objects_train_10pct.json'))
