# A small Mask2Former for the CPU: a frozen ImageNet-trained EfficientNet-Lite0
# (the weights of the realphoto extra), 64 channels, 2 encoder and 3 decoder
# layers, 20 queries. The method needs a stage 0 whose features know parts; a
# ResNet-18 trained from scratch on a CPU gave none (docs/results.md). The
# class counts and loss_cls's class_weight are left None: mmpartdistill's
# tools fill them from the objects file of the data
# (mmpartdistill.engine.data_classes), and every run dumps a config with them
# filled into its work dir.
channels = 64
attn = dict(embed_dims=channels, num_heads=4, dropout=0.0, batch_first=True)
ffn = dict(
    embed_dims=channels,
    feedforward_channels=4 * channels,
    num_fcs=2,
    ffn_drop=0.0,
    act_cfg=dict(type='ReLU', inplace=True))
model = dict(
    type='Mask2Former',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[127.0, 127.0, 127.0],
        std=[128.0, 128.0, 128.0],
        bgr_to_rgb=True,
        pad_size_divisor=32,
        pad_mask=True,
        mask_pad_value=0,
        pad_seg=False),
    backbone=dict(type='EfficientNetLite0', pretrained=True),
    panoptic_head=dict(
        type='ObjectMask2FormerHead',
        in_channels=[24, 40, 112, 320],
        strides=[4, 8, 16, 32],
        feat_channels=channels,
        out_channels=channels,
        num_things_classes=None,
        num_stuff_classes=0,
        num_queries=20,
        num_transformer_feat_level=3,
        pixel_decoder=dict(
            type='MSDeformAttnPixelDecoder',
            num_outs=3,
            norm_cfg=dict(type='GN', num_groups=16),
            act_cfg=dict(type='ReLU'),
            encoder=dict(
                num_layers=2,
                layer_cfg=dict(
                    self_attn_cfg=dict(
                        embed_dims=channels,
                        num_heads=4,
                        num_levels=3,
                        num_points=4,
                        dropout=0.0,
                        batch_first=True),
                    ffn_cfg=ffn)),
            positional_encoding=dict(num_feats=channels // 2, normalize=True)),
        enforce_decoder_input_project=False,
        positional_encoding=dict(num_feats=channels // 2, normalize=True),
        transformer_decoder=dict(
            return_intermediate=True,
            num_layers=3,
            layer_cfg=dict(self_attn_cfg=attn, cross_attn_cfg=attn, ffn_cfg=ffn),
            init_cfg=None),
        loss_cls=dict(
            type='CrossEntropyLoss',
            use_sigmoid=False,
            loss_weight=2.0,
            reduction='mean',
            class_weight=None),
        loss_mask=dict(
            type='CrossEntropyLoss', use_sigmoid=True, reduction='mean', loss_weight=5.0),
        loss_dice=dict(
            type='DiceLoss',
            use_sigmoid=True,
            activate=True,
            reduction='mean',
            naive_dice=True,
            eps=1.0,
            loss_weight=5.0)),
    panoptic_fusion_head=dict(
        type='MaskFormerFusionHead',
        num_things_classes=None,
        num_stuff_classes=0,
        loss_panoptic=None,
        init_cfg=None),
    train_cfg=dict(
        num_points=2048,
        oversample_ratio=3.0,
        importance_sample_ratio=0.75,
        assigner=dict(
            type='HungarianAssigner',
            match_costs=[
                dict(type='ClassificationCost', weight=2.0),
                dict(type='CrossEntropyLossCost', weight=5.0, use_sigmoid=True),
                dict(type='DiceCost', weight=5.0, pred_act=True, eps=1.0)
            ]),
        sampler=dict(type='MaskPseudoSampler')),
    test_cfg=dict(
        panoptic_on=False,
        semantic_on=False,
        instance_on=True,
        max_per_image=20,
        iou_thr=0.8,
        filter_low_score=True),
    init_cfg=None)
