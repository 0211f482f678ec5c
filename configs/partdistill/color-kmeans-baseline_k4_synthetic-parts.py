# Colour baseline: k-means (K=4) on the RGB colours inside each object mask.
_base_ = ['../_base_/datasets/synthetic_parts.py', '../_base_/default_runtime.py']
custom_imports = dict(imports=['mmpartdistill'], allow_failed_imports=False)

model = dict(
    type='ColorKMeansBaseline',
    num_parts=4,
    iters=20,
    seed=0,
    data_preprocessor=dict(type='DetDataPreprocessor', bgr_to_rgb=True, pad_size_divisor=1))
