# Where the gap to the ceiling comes from (evaluation only: every oracle reads
# the train split's part labels). After the pipeline and its ceiling, one
# stage's input at a time is replaced by ground truth and stage 4 retrained:
#   - K: stage 3 again over the run's stage-2 proposals, each class clustered
#     into its true part count (then stage 4);
#   - stage-1 labels: stage 2 trained on the class-agnostic ground-truth parts
#     (then its own stage 3 and stage 4);
#   - stage-3 labels: the ceiling itself.
#   python tools/train.py configs/partdistill/partdistill-pipeline-oracle_mask2former_effnet-lite0_synthetic-parts.py --work-dir W --resume
# On a finished run in W, --resume runs the oracle stages alone.
_base_ = './partdistill-pipeline-ceiling_mask2former_effnet-lite0_synthetic-parts.py'

proposal_config = 'part-proposal_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py'
partdistill_config = 'partdistill_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py'
labels = '/part_ranking/labels/train/annotations/'
evaluation_stages = [
    {{_base_.ceiling}},
    dict(
        name='oracle_part_counts',
        kind='rank',
        source='stage2_part_proposals',
        ranking=dict(part_count='file', part_count_file='{data_root}/annotations/parts_train.json'),
        rows={
            'oracle, ground-truth K: stage 3':
            '{self.dir}/part_ranking/labels/val/ranked_parts_predictions.json'
        }),
    dict(
        name='oracle_part_counts_partdistill',
        kind='train',
        config=partdistill_config,
        cfg_options={
            'load_from': '{stage2_part_proposals.checkpoint}',
            'train_dataloader.dataset.ann_file':
            '{oracle_part_counts.dir}' + labels + 'ranked_parts.json',
            'train_dataloader.dataset.objects_file':
            '{oracle_part_counts.dir}' + labels + 'objects.json',
            'train_cfg.val_each_round': False,
        },
        predict='{self.dir}/predictions/val_parts.json',
        rows={'oracle, ground-truth K: stage 4': '{self.dir}/predictions/val_parts.json'}),
    dict(
        name='oracle_stage1_labels',
        kind='train',
        config=proposal_config,
        cfg_options={
            'load_from': '{stage0_instance_model.checkpoint}',
            'train_dataloader.dataset.ann_file': '{data_root}/annotations/parts_train.json',
            'train_dataloader.dataset.objects_file': '{data_root}/annotations/objects_train.json',
            'train_cfg.val_begin': 100000,
        },
        rows={
            'oracle, ground-truth stage-1 labels: stage 3':
            '{self.dir}/part_ranking/labels/val/ranked_parts_predictions.json'
        }),
    dict(
        name='oracle_stage1_labels_partdistill',
        kind='train',
        config=partdistill_config,
        cfg_options={
            'load_from': '{oracle_stage1_labels.checkpoint}',
            'train_dataloader.dataset.ann_file':
            '{oracle_stage1_labels.dir}' + labels + 'ranked_parts.json',
            'train_dataloader.dataset.objects_file':
            '{oracle_stage1_labels.dir}' + labels + 'objects.json',
            'train_cfg.val_each_round': False,
        },
        predict='{self.dir}/predictions/val_parts.json',
        rows={'oracle, ground-truth stage-1 labels: stage 4': '{self.dir}/predictions/val_parts.json'}),
]
