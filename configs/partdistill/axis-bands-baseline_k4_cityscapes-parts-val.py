# The geometric baseline on Cityscapes-Panoptic-Parts val, instance level: each object mask cut into K=4
# equal-area bands along its principal axis.
_base_ = ['../_base_/datasets/cityscapes_parts_val.py', '../_base_/default_runtime.py']
custom_imports = dict(imports=['mmpartdistill'], allow_failed_imports=False)

model = dict(
    type='AxisBandsBaseline',
    num_parts=4,
    data_preprocessor=dict(type='DetDataPreprocessor', bgr_to_rgb=True, pad_size_divisor=1))
