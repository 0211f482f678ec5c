"""The pipeline's stage-config rewriting: another data root, earlier stages' outputs."""
from pathlib import Path
from types import SimpleNamespace

import pytest
from mmengine.config import Config

from mmpartdistill.apis import PartDistillationPipeline
from mmpartdistill.apis.pipeline import format_options, partdistill_pipeline, with_data_root

CONFIGS = Path(__file__).resolve().parents[2] / 'configs/partdistill'
PIPELINE = CONFIGS / 'partdistill-pipeline_mask2former_effnet-lite0_synthetic-parts.py'


def test_data_root_moves_every_derived_path():
    cfg = Config.fromfile(
        str(CONFIGS / 'part-proposal_mask2former_effnet-lite0_1xb8-500i_synthetic-parts.py'))
    moved = with_data_root(cfg, '/data/other/')
    text = moved.pretty_text
    assert 'data/synthetic_parts' not in text
    assert moved.val_evaluator.parts_file == '/data/other/annotations/parts_val.json'
    assert moved.train_dataloader.dataset.data_prefix.img == '/data/other/images/'
    (hook, ) = moved.custom_hooks
    assert hook.datasets.val.data_root == '/data/other/'
    assert moved.load_from == cfg.load_from, 'paths outside data_root stay'


def test_stage_options_name_earlier_outputs():
    values = dict(work_dir='W', stage0=SimpleNamespace(dir='W/stage0', checkpoint='W/s0.pth'))
    options = format_options({
        'load_from': '{stage0.checkpoint}',
        'x.y': ['{work_dir}/a', 3]
    }, values)
    assert options == {'load_from': 'W/s0.pth', 'x.y': ['W/a', 3]}
    with pytest.raises(ValueError, match="'stage9'"):
        format_options({'load_from': '{stage9.checkpoint}'}, values)


def test_stage_kinds_and_names_are_checked(tmp_path):
    common = dict(work_dir=str(tmp_path), data_root='d', config_dir='.', val_split={})
    with pytest.raises(ValueError, match="kind must be one of"):
        PartDistillationPipeline(stages=[dict(name='a', kind='fit', config='c.py')], **common)
    with pytest.raises(ValueError, match='unique'):
        PartDistillationPipeline(stages=[dict(name='a', kind='test', config='c.py')] * 2, **common)


def test_pipeline_stages_run_the_backbone_their_names_give(tmp_path, monkeypatch):
    """Every model stage of the pipeline runs its config's frozen ImageNet
    EfficientNet-Lite0, as the config names say."""
    # no stage has written its data here, so the class counts stay unset
    monkeypatch.setattr(partdistill_pipeline, 'fill_data_classes', lambda cfg: None)
    cfg = Config.fromfile(str(PIPELINE))
    cfg.work_dir = str(tmp_path)
    pipeline = PartDistillationPipeline.from_cfg(cfg)
    values = dict(
        data_root=cfg.data_root,
        work_dir=str(tmp_path),
        **{s['name']: SimpleNamespace(dir='d', checkpoint='c.pth')
           for s in cfg.stages})
    models = [s for s in cfg.stages if s['kind'] != 'test']
    assert len(models) == 4
    for stage in models:
        assert '_effnet-lite0_' in stage['config']
        model = pipeline.stage_config(stage, str(tmp_path / stage['name']), values).model
        assert model.backbone == dict(type='EfficientNetLite0', pretrained=True), stage['name']
        assert model.panoptic_head.in_channels == [24, 40, 112, 320]
        assert model.data_preprocessor.std == [128.0] * 3


def pipeline_at(tmp_path, root, **benchmark):
    cfg = Config.fromfile(str(PIPELINE))
    cfg.work_dir = str(tmp_path / 'work')
    cfg.data_root = str(root)
    cfg.synthetic_benchmark.update(benchmark)
    return PartDistillationPipeline.from_cfg(cfg)


def test_other_data_root_without_its_files_is_refused_before_writing(tmp_path):
    mistyped = tmp_path / 'my_dta'
    with pytest.raises(FileNotFoundError, match=r'my_dta/annotations/objects_val.json.*generate'):
        pipeline_at(tmp_path, mistyped)
    assert not mistyped.exists() and not (tmp_path / 'work').exists()


def test_synthetic_benchmark_made_only_at_home_or_when_asked(tmp_path):
    asked = pipeline_at(tmp_path, tmp_path / 'elsewhere', generate=True, num_images=4)
    assert asked.generate == dict(num_images=4, seed=0)
    home = pipeline_at(tmp_path, tmp_path / 'home', data_root=str(tmp_path / 'home'))
    assert home.generate == dict(num_images=400, seed=0)
    (tmp_path / 'real/annotations').mkdir(parents=True)
    (tmp_path / 'real/annotations/objects_val.json').write_text('{}')
    assert pipeline_at(tmp_path, tmp_path / 'real').generate is None


def test_testing_an_unfinished_pipeline_names_the_stage_configs(tmp_path):
    pipeline = pipeline_at(tmp_path, tmp_path / 'elsewhere', generate=True)
    with pytest.raises(RuntimeError, match=r'no finished stage.*'
                       r'mask2former_effnet-lite0_1xb4-1k_synthetic-objects\.py'):
        pipeline.test()


def test_stage_options_seed_and_evaluation_stages(tmp_path):
    common = dict(work_dir=str(tmp_path), data_root='d', config_dir='.', val_split={})
    stages = [dict(name='a', kind='test', config='c.py')]
    with pytest.raises(ValueError, match=r"stage_options names \['b'\], which are not stages"):
        PartDistillationPipeline(stages=stages, stage_options={'b': {}}, **common)
    cfg = Config.fromfile(str(PIPELINE.with_name(
        'partdistill-pipeline-oracle_mask2former_effnet-lite0_synthetic-parts.py')))
    cfg.work_dir = str(tmp_path / 'work')
    pipeline = PartDistillationPipeline.from_cfg(cfg)
    names = [s['name'] for s in pipeline.stages]
    assert names[:6] == [s['name'] for s in Config.fromfile(str(PIPELINE)).stages]
    assert names[6:] == [
        'ceiling_supervised', 'oracle_part_counts', 'oracle_part_counts_partdistill',
        'oracle_stage1_labels', 'oracle_stage1_labels_partdistill'
    ]
    with pytest.raises(ValueError, match='source must name an earlier stage'):
        pipeline.rank_again(dict(name='r', source='nothing'), str(tmp_path), {})


def test_part_count_file_needs_its_file(tmp_path):
    from mmpartdistill.engine.ranking.part_ranker import PartRanker
    with pytest.raises(ValueError, match="part_count='file' and part_count_file go together"):
        PartRanker(str(tmp_path), part_count='file')
    with pytest.raises(ValueError, match='go together'):
        PartRanker(str(tmp_path), part_count='fixed', part_count_file='parts.json')
