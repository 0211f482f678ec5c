# The MiT-B0 config with the backbone of `make demo`'s PartDistillation model:
# a frozen ImageNet-trained EfficientNet-Lite0 (the realphoto extra's weights),
# so the segmentor and the stage-4 model it learns from see the same features.
_base_ = ['./segformer_mit-b0_1xb8-1k_synthetic-distilled-parts.py']
model = dict(
    data_preprocessor=dict(mean=[127.0] * 3, std=[128.0] * 3),
    backbone=dict(_delete_=True, type='mmdet.EfficientNetLite0', pretrained=True),
    decode_head=dict(in_channels=[24, 40, 112, 320]))
