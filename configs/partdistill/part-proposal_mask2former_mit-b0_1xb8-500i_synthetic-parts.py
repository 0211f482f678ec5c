# Mixing components: the part-proposal head on another OpenMMLab package's
# backbone, MMSegmentation's Mix Transformer (SegFormer MiT-B0), named by its
# scope. Trained from scratch on the synthetic pseudo parts; on real data
# point backbone.init_cfg at MiT-B0 ImageNet weights.
_base_ = ['./part-proposal_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py']

load_from = None
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmseg.MixVisionTransformer',
        in_channels=3,
        embed_dims=32,
        num_stages=4,
        num_layers=[2, 2, 2, 2],
        num_heads=[1, 2, 5, 8],
        patch_sizes=[7, 3, 3, 3],
        sr_ratios=[8, 4, 2, 1],
        out_indices=(0, 1, 2, 3),
        mlp_ratio=4,
        qkv_bias=True,
        init_cfg=None),
    panoptic_head=dict(in_channels=[32, 64, 160, 256]))
