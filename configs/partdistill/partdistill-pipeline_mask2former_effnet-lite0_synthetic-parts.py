# PartDistillation end to end on the synthetic part benchmark, on a 2-core CPU:
#   python tools/train.py configs/partdistill/partdistill-pipeline_mask2former_effnet-lite0_synthetic-parts.py --work-dir W
# The benchmark is generated at this data_root on first use; --cfg-options
# data_root=D runs every stage on another dataset of the same layout (a D
# without its objects file is an error, unless synthetic_benchmark.generate=True
# asks for a synthetic benchmark there).
# Every stage runs its own config in W/<stage>/; W/summary.md has the val
# scores of every stage, W/predictions/ the final parts and overlays.
# The model stages run their configs as they are: a frozen ImageNet-trained
# EfficientNet-Lite0 (the realphoto extra's weights) under a small Mask2Former.
custom_imports = dict(imports=['mmpartdistill'], allow_failed_imports=False)
runner_type = 'PartDistillationPipeline'
data_root = 'data/synthetic_parts/'
synthetic_benchmark = dict(data_root=data_root, num_images=400, seed=0)
val_split = dict(
    objects='annotations/objects_val.json', parts='annotations/parts_val.json', images='images/')

stages = [
    dict(
        name='baseline_axis_bands',
        kind='test',
        config='axis-bands-baseline_k4_synthetic-parts.py',
        rows={'baseline: axis bands': '{self.dir}/val_parts.json'}),
    dict(
        name='baseline_colour_kmeans',
        kind='test',
        config='color-kmeans-baseline_k4_synthetic-parts.py',
        rows={'baseline: colour k-means': '{self.dir}/val_parts.json'}),
    # stage 0: the instance model, from the objects only
    dict(
        name='stage0_instance_model',
        kind='train',
        config='mask2former_effnet-lite0_1xb4-1k_synthetic-objects.py',
        cfg_options={}),
    # stage 1: pseudo parts of both splits
    dict(
        name='stage1_pseudo_parts',
        kind='pseudo_parts',
        config='pseudo-parts_mask2former_effnet-lite0_synthetic-parts.py',
        cfg_options={'load_from': '{stage0_instance_model.checkpoint}'},
        splits=dict(train='annotations/objects_train.json', val='annotations/objects_val.json'),
        rows={'stage 1: pseudo parts': '{self.dir}/val/pseudo_parts_predictions.json'}),
    # stage 2: part proposals, then stage 3 (its PartRankingHook): ranked parts
    dict(
        name='stage2_part_proposals',
        kind='train',
        config='part-proposal_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py',
        cfg_options={
            'load_from': '{stage0_instance_model.checkpoint}',
            'train_dataloader.dataset.ann_file':
            '{stage1_pseudo_parts.dir}/train/annotations/pseudo_parts.json',
            'train_dataloader.dataset.objects_file':
            '{stage1_pseudo_parts.dir}/train/annotations/objects.json',
            'train_cfg.val_begin': 100000,  # scored from the ranking's proposals instead
        },
        rows={
            'stage 2: part proposals': '{self.dir}/part_ranking/proposals/val_predictions.json',
            'stage 3: ranked parts':
            '{self.dir}/part_ranking/labels/val/ranked_parts_predictions.json',
        }),
    # stage 4: self-training of the PartDistillation model on the ranked parts
    dict(
        name='stage4_partdistill',
        kind='train',
        config='partdistill_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py',
        cfg_options={
            'load_from': '{stage2_part_proposals.checkpoint}',
            'train_dataloader.dataset.ann_file':
            '{stage2_part_proposals.dir}/part_ranking/labels/train/annotations/ranked_parts.json',
            'train_dataloader.dataset.objects_file':
            '{stage2_part_proposals.dir}/part_ranking/labels/train/annotations/objects.json',
            'train_cfg.val_each_round': False,  # scored from the predictions below
        },
        predict='{work_dir}/predictions/val_parts.json',
        rows={'stage 4: PartDistillation model': '{work_dir}/predictions/val_parts.json'}),
]
