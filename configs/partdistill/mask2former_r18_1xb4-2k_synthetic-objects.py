# Stage 0 on this CPU: a small Mask2Former (ResNet-18, 64 channels) learns the
# synthetic benchmark's object instances (objects files only). Its features
# and masks are where PartDistillation starts.
_base_ = [
    'mmdet::mask2former/mask2former_r50_8xb2-lsj-50e_coco.py',
    '../_base_/datasets/synthetic_objects.py',
]
custom_imports = dict(imports=['mmpartdistill'], allow_failed_imports=False)

num_classes = 7
channels = 64
data_preprocessor = dict(
    type='DetDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_size_divisor=32,
    pad_mask=True,
    mask_pad_value=0,
    pad_seg=False,
    batch_augments=None)
attn = dict(embed_dims=channels, num_heads=4, dropout=0.0, batch_first=True)
ffn = dict(embed_dims=channels, feedforward_channels=4 * channels, num_fcs=2, ffn_drop=0.0,
           act_cfg=dict(type='ReLU', inplace=True))
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(depth=18, init_cfg=None, norm_cfg=dict(type='BN', requires_grad=True),
                  norm_eval=False),
    panoptic_head=dict(
        in_channels=[64, 128, 256, 512],
        feat_channels=channels,
        out_channels=channels,
        num_things_classes=num_classes,
        num_queries=20,
        pixel_decoder=dict(
            norm_cfg=dict(type='GN', num_groups=16),
            encoder=dict(num_layers=2, layer_cfg=dict(
                self_attn_cfg=dict(embed_dims=channels, num_heads=4, num_levels=3, num_points=4,
                                   dropout=0.0, batch_first=True),
                ffn_cfg=ffn)),
            positional_encoding=dict(num_feats=channels // 2, normalize=True)),
        positional_encoding=dict(num_feats=channels // 2, normalize=True),
        transformer_decoder=dict(num_layers=3, layer_cfg=dict(self_attn_cfg=attn,
                                                              cross_attn_cfg=attn, ffn_cfg=ffn)),
        loss_cls=dict(class_weight=[1.0] * num_classes + [0.1])),
    panoptic_fusion_head=dict(num_things_classes=num_classes),
    train_cfg=dict(num_points=2048),
    test_cfg=dict(max_per_image=20))

max_iters = 2000
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=max_iters, val_interval=1000)
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='AdamW', lr=4e-4, weight_decay=0.05, eps=1e-8,
                                    betas=(0.9, 0.999)),
                     clip_grad=dict(max_norm=0.01, norm_type=2))
param_scheduler = dict(_delete_=True, type='MultiStepLR', begin=0, end=max_iters, by_epoch=False,
                       milestones=[int(max_iters * 0.8)], gamma=0.1)
default_hooks = dict(checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=1000,
                                     max_keep_ckpts=2),
                     logger=dict(type='LoggerHook', interval=50))
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)
auto_scale_lr = dict(enable=False, base_batch_size=4)
