"""PartDistillationPipeline: every stage of the method in one run of tools/train.py."""
import json
import os
import os.path as osp
import shutil
import time
from types import SimpleNamespace
from typing import Dict, List, Optional

from mmdet.registry import HOOKS
from mmengine.config import Config
from mmengine.dist import get_dist_info
from mmengine.logging import MMLogger
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from ...datasets import ObjectsFile, PartsFile, load_predictions, make_synthetic_parts
from ...engine.data_classes import fill_data_classes
from ...evaluation import evaluate_part_predictions
from ...utils import atomic_write_json, atomic_writer, markdown_table
from ...utils.peak_memory import peak_memory_mb, reset_peak_memory
from ...utils.process_group import join_process_group
from ...utils.rank_zero import on_rank_zero
from ...visualization import write_part_overlays
from ..runner_cli import add_prediction_dump, wrap_for_any_device
from .config_paths import format_options, with_data_root, with_seed
from .seed_spread import PER_CLASS

KINDS = ('train', 'test', 'pseudo_parts', 'rank')
DONE = 'stage.json'
# ranking settings the kept features depend on (PartRanker.kept_features)
FEATURE_SETTINGS = ('top', 'keep_area', 'keep_score', 'layout_weight')


def format_scores(scores: dict) -> str:
    return ', '.join(f'{k} {v:.1f}' for k, v in scores.items() if k != PER_CLASS)


@RUNNERS.register_module()
class PartDistillationPipeline:
    """Runs the stages of a pipeline config one after another, each with its
    own config and MMEngine runner, in ``work_dir/<stage name>/``.

    A stage is ``dict(name, kind, config, cfg_options, rows, ...)``:

    - ``kind='train'`` trains the config (``predict=PATH`` then also writes
      the val split's part predictions to PATH and overlays beside it);
    - ``kind='test'`` tests it and writes its val predictions to
      ``<stage dir>/val_parts.json``;
    - ``kind='pseudo_parts'`` runs its :class:`PseudoPartLoop` on each of
      ``splits`` (``{split: objects file under data_root}``) into
      ``<stage dir>/<split>/``;
    - ``kind='rank'`` runs stage 3 again over the proposals of the train
      stage ``source`` (copied from its ``part_ranking/``, not recomputed),
      its ``PartRankingHook`` updated with ``ranking`` (hook settings), into
      ``<stage dir>/part_ranking/``.

    ``evaluation_stages`` (references that read part labels: the
    supervised ceiling, oracles) run after ``stages``, the same way.

    ``config`` is relative to ``stage_config_dir`` (default: the pipeline
    config's folder). Every stage
    config is moved to the pipeline's ``data_root`` (all its paths under its
    own data_root follow), then ``cfg_options`` are applied, with
    ``{data_root}``, ``{work_dir}`` and ``{<earlier stage>.dir}`` /
    ``{<earlier stage>.checkpoint}`` filled in. ``rows`` names prediction
    files (same fields) to score on the val split after the stage; the
    scores of all stages end in ``work_dir/summary.{json,md}``.

    A finished stage leaves ``<stage dir>/stage.json`` (its checkpoint,
    seconds, the main process's peak memory and its scores); with ``resume`` a
    rerun skips finished stages and resumes the interrupted one from its
    shards or its last checkpoint. ``synthetic_benchmark`` (generator
    arguments) makes the synthetic benchmark when the val split's objects
    file is absent, but only at its own ``synthetic_benchmark.data_root``
    (the config's) or with ``synthetic_benchmark.generate=True``: any other
    ``data_root`` without its files is an error, raised before anything is
    written, so a mistyped path never fills a new folder with generated data.
    ``seed`` (None: each config's own) sets every seed of every stage
    config: training, k-means, ranking, the random baselines.
    ``stage_options`` (``{stage name: {key: value}}``) changes a stage's
    config from the command line, after its ``cfg_options``:
    ``--cfg-options stage_options.stage1_pseudo_parts.test_cfg.crf=windowed``.
    ``test()`` (``tools/test.py`` on the pipeline config) scores the val
    predictions of every finished stage again.

    With a ``launcher`` (MMEngine's: ``pytorch``, ``slurm``, ``mpi``) the
    pipeline joins the process group first (:func:`join_process_group` with
    the config's ``env_cfg.dist_cfg``; gloo on CPUs), every stage runs on
    all ranks, and rank 0 alone makes the data and scores the stages while
    the others wait for it.
    """

    def __init__(self,
                 *,
                 work_dir: str,
                 data_root: str,
                 stages: List[dict],
                 config_dir: str,
                 val_split: dict,
                 synthetic_benchmark: Optional[dict] = None,
                 resume: bool = False,
                 seed: Optional[int] = None,
                 stage_options: Optional[Dict[str, dict]] = None,
                 launcher: str = 'none',
                 dist_cfg: Optional[dict] = None) -> None:
        names = [stage.get('name') for stage in stages]
        for stage in stages:
            if stage.get('kind') not in KINDS:
                raise ValueError(f'stage {stage.get("name")!r}: kind must be one of {KINDS}, '
                                 f'got {stage.get("kind")!r}')
        if len(set(names)) != len(names) or None in names:
            raise ValueError(f'stage names must be given and unique, got {names}')
        self.work_dir, self.data_root = work_dir, data_root
        self.stages, self.config_dir, self.val_split = stages, config_dir, val_split
        self.synthetic_benchmark, self.resume, self.launcher = synthetic_benchmark, resume, launcher
        self.seed, self.stage_options = seed, dict(stage_options or {})
        unknown = sorted(set(self.stage_options) - set(names))
        if unknown:
            raise ValueError(f'stage_options names {unknown}, which are not stages of this '
                             f'pipeline: {names}')
        self.generate = self.benchmark_to_generate()
        join_process_group(launcher, dist_cfg)
        os.makedirs(work_dir, exist_ok=True)
        # one logger a work dir: a second pipeline in the process logs to its own file
        self.logger = MMLogger.get_instance(
            f'partdistill_pipeline:{osp.abspath(work_dir)}',
            log_file=osp.join(work_dir, 'pipeline.log'))

    @classmethod
    def from_cfg(cls, cfg: Config) -> 'PartDistillationPipeline':
        return cls(
            work_dir=cfg.work_dir,
            data_root=cfg.data_root,
            stages=list(cfg.stages) + list(cfg.get('evaluation_stages') or []),
            config_dir=cfg.get('stage_config_dir') or osp.dirname(osp.abspath(cfg.filename)),
            val_split=cfg.val_split,
            synthetic_benchmark=cfg.get('synthetic_benchmark'),
            resume=bool(cfg.get('resume', False)),
            seed=cfg.get('seed'),
            stage_options=cfg.get('stage_options'),
            launcher=cfg.get('launcher', 'none'),
            dist_cfg=cfg.get('env_cfg', {}).get('dist_cfg'))

    def train(self) -> Dict[str, dict]:
        """Run every stage; returns the val scores of every row."""
        done = [s['name'] for s in self.stages if osp.exists(self.marker(s['name']))]
        if done and not self.resume:
            raise RuntimeError(f'{self.work_dir} holds finished stages {done} of an earlier run; '
                               'pass --resume to continue it, or give another --work-dir')
        on_rank_zero(self.prepare_data)
        values = dict(data_root=self.data_root, work_dir=self.work_dir)
        scores: Dict[str, dict] = {}
        for index, stage in enumerate(self.stages, 1):
            name = stage['name']
            out = osp.join(self.work_dir, name)
            if osp.exists(self.marker(name)):
                with open(self.marker(name)) as f:
                    record = json.load(f)
                self.logger.info(f'[{index}/{len(self.stages)}] {name}: finished earlier, skipped')
            else:
                self.logger.info(f'[{index}/{len(self.stages)}] {name} ({stage["kind"]}) starts')
                start = time.time()
                reset_peak_memory()
                values['self'] = SimpleNamespace(dir=out, checkpoint=None)
                checkpoint = self.run_stage(stage, out, values)
                values['self'] = SimpleNamespace(dir=out, checkpoint=checkpoint)
                record = dict(
                    checkpoint=checkpoint,
                    seconds=round(time.time() - start, 1),
                    peak_memory_mb=peak_memory_mb(),
                    rows=on_rank_zero(lambda: self.score_rows(stage, values)) or {})
                if get_dist_info()[0] == 0:
                    atomic_write_json(record, self.marker(name))
                peak = record['peak_memory_mb']
                self.logger.info(f'{name} finished in {record["seconds"]:.0f} s' +
                                 (f', peak memory {peak:.0f} MB' if peak else ''))
            values[name] = SimpleNamespace(dir=out, checkpoint=record['checkpoint'])
            for row, row_scores in record['rows'].items():
                scores[row] = row_scores
                self.logger.info(f'{row}: ' + format_scores(row_scores))
        if get_dist_info()[0] == 0:
            self.write_summary(scores)
        return scores

    def test(self) -> Dict[str, dict]:
        """The val scores of every finished stage's prediction files, scored again;
        RuntimeError naming the stage configs when no stage has finished."""
        values = dict(data_root=self.data_root, work_dir=self.work_dir)
        scores: Dict[str, dict] = {}
        finished = [s for s in self.stages if osp.exists(self.marker(s['name']))]
        if not finished:
            configs = ', '.join(s['config'] for s in self.stages)
            raise RuntimeError(
                f'{self.work_dir} holds no finished stage of this pipeline: train it first '
                '(tools/train.py with this config and --work-dir), or test one stage\'s config '
                f'with its checkpoint ({configs}, in {self.config_dir})')
        for stage in self.stages:
            name = stage['name']
            if not osp.exists(self.marker(name)):
                self.logger.info(f'{name}: not finished, not scored')
                continue
            with open(self.marker(name)) as f:
                checkpoint = json.load(f)['checkpoint']
            values[name] = values['self'] = SimpleNamespace(
                dir=osp.join(self.work_dir, name), checkpoint=checkpoint)
            scores.update(on_rank_zero(lambda: self.score_rows(stage, values)) or {})
        if get_dist_info()[0] == 0:
            for row, row_scores in scores.items():
                self.logger.info(f'{row}: ' + format_scores(row_scores))
        return scores

    def marker(self, name: str) -> str:
        return osp.join(self.work_dir, name, DONE)

    def finished_values(self) -> dict:
        """The fields stage options are filled with (``{data_root}``,
        ``{work_dir}``, ``{<stage>.dir}``, ``{<stage>.checkpoint}``) of a
        finished run in ``work_dir``, to run its stages again otherwise."""
        values = dict(data_root=self.data_root, work_dir=self.work_dir)
        for stage in self.stages:
            name = stage['name']
            if not osp.exists(self.marker(name)):
                raise FileNotFoundError(f'{self.marker(name)}: stage {name} of {self.work_dir} '
                                        'has not finished; run the pipeline first')
            with open(self.marker(name)) as f:
                values[name] = SimpleNamespace(
                    dir=osp.join(self.work_dir, name), checkpoint=json.load(f)['checkpoint'])
        return values

    def benchmark_to_generate(self) -> Optional[dict]:
        """The generator arguments when the synthetic benchmark is to be made at
        ``data_root``; None when the data is there; FileNotFoundError naming
        the missing file when it is not and may not be generated there."""
        objects = osp.join(self.data_root, self.val_split.get('objects', ''))
        if osp.isfile(objects):
            return None
        arguments = dict(self.synthetic_benchmark or {})
        generate, home = arguments.pop('generate', False), arguments.pop('data_root', None)
        at_home = home is not None and osp.abspath(home) == osp.abspath(self.data_root)
        if self.synthetic_benchmark is not None and (generate or at_home):
            return arguments
        raise FileNotFoundError(
            f'{objects}: the val split\'s objects file is missing under '
            f'data_root={self.data_root}. Give the root of a dataset in the layout of '
            'docs/formats.md, or add synthetic_benchmark.generate=True to the options to '
            'generate the synthetic benchmark there')

    def prepare_data(self) -> None:
        if self.generate is None:
            return
        self.logger.info(f'generating the synthetic part benchmark in {self.data_root} '
                         f'({self.generate})')
        make_synthetic_parts(self.data_root, **self.generate)

    def stage_config(self, stage: dict, out: str, values: dict) -> Config:
        cfg = with_data_root(
            Config.fromfile(osp.join(self.config_dir, stage['config'])), self.data_root)
        if self.seed is not None:
            cfg = with_seed(cfg, self.seed)
        cfg.merge_from_dict(format_options(stage.get('cfg_options', {}), values))
        cfg.merge_from_dict(self.stage_options.get(stage['name'], {}))
        cfg.work_dir, cfg.launcher = out, self.launcher
        fill_data_classes(cfg)
        wrap_for_any_device(cfg)
        return cfg

    def run_stage(self, stage: dict, out: str, values: dict) -> Optional[str]:
        """Run one stage; returns its checkpoint (train stages) or None."""
        if stage['kind'] == 'rank':
            self.rank_again(stage, out, values)
            return None
        cfg = self.stage_config(stage, out, values)
        if stage['kind'] == 'pseudo_parts':
            for split, objects_file in stage['splits'].items():
                split_cfg = cfg.copy()
                split_cfg.test_dataloader.dataset.ann_file = objects_file
                split_cfg.test_cfg.out_dir = osp.join(out, split)
                split_cfg.work_dir = osp.join(out, split, 'logs')
                Runner.from_cfg(split_cfg).test()
            return None
        if stage['kind'] == 'test':
            add_prediction_dump(cfg, osp.join(out, 'val_parts.json'))
            Runner.from_cfg(cfg).test()
            return None
        if self.resume and osp.exists(osp.join(out, 'last_checkpoint')):
            cfg.resume, cfg.load_from = True, None
        Runner.from_cfg(cfg).train()
        with open(osp.join(out, 'last_checkpoint')) as f:
            checkpoint = f.read().strip()
        if stage.get('predict'):
            self.predict(cfg, checkpoint, stage['predict'].format(**values))
        return checkpoint

    def rank_again(self, stage: dict, out: str, values: dict) -> None:
        """Stage 3 of ``stage['source']`` again, with its hook's settings updated."""
        name = stage.get('source')
        (source, ) = [s for s in self.stages if s['name'] == name] or [None]
        if source is None or name not in values:
            raise ValueError(f'stage {stage["name"]!r}: source must name an earlier stage, '
                             f'got {name!r}')
        ranking = osp.join(out, 'part_ranking')
        # the kept features depend on these settings: with any of them set,
        # the features are extracted again from the copied proposals
        same_features = not set(stage.get('ranking', {})) & set(FEATURE_SETTINGS)
        for folder in ('proposals', 'features')[:2 if same_features else 1]:
            if not osp.exists(osp.join(ranking, folder)):
                shutil.copytree(osp.join(values[name].dir, 'part_ranking', folder),
                                osp.join(ranking, folder))
        cfg = self.stage_config(source, osp.join(out, 'logs'), values)
        hooks = [h for h in cfg.get('custom_hooks', []) if h['type'] == 'PartRankingHook']
        if not hooks:
            raise ValueError(f'stage {stage["name"]!r}: {source["config"]} has no PartRankingHook')
        hook = dict(hooks[0], **format_options(stage.get('ranking', {}), values))
        cfg.custom_hooks = []
        runner = Runner.from_cfg(cfg)
        runner.load_checkpoint(values[name].checkpoint)
        HOOKS.build(hook).rank(runner, ranking)

    def predict(self, cfg: Config, checkpoint: str, out_file: str) -> None:
        """The val split's part predictions of a trained stage, with overlays."""
        cfg = cfg.copy()
        cfg.load_from, cfg.resume = checkpoint, False
        cfg.work_dir = osp.join(cfg.work_dir, 'predict')
        add_prediction_dump(cfg, out_file)
        Runner.from_cfg(cfg).test()
        on_rank_zero(lambda: self.draw_overlays(out_file))

    def draw_overlays(self, out_file: str) -> None:
        objects = ObjectsFile.load(osp.join(self.data_root, self.val_split['objects']))
        drawn = write_part_overlays(objects, load_predictions(out_file, objects),
                                    osp.join(self.data_root, self.val_split['images']),
                                    osp.join(osp.dirname(out_file), 'overlays'))
        self.logger.info(f'{drawn} part overlays in {osp.dirname(out_file)}/overlays')

    def score_rows(self, stage: dict, values: dict) -> Dict[str, dict]:
        """Val scores of the stage's prediction files."""
        if not stage.get('rows'):
            return {}
        objects = ObjectsFile.load(osp.join(self.data_root, self.val_split['objects']))
        parts = PartsFile.load(osp.join(self.data_root, self.val_split['parts']), objects)
        rows = {}
        for row, pattern in stage['rows'].items():
            result = evaluate_part_predictions(parts,
                                               load_predictions(pattern.format(**values), objects))
            miou = result['part_miou']
            rows[row] = {
                'C-mIoU (H)': miou['hungarian']['C-mIoU'],
                'A-mIoU (H)': miou['hungarian']['A-mIoU'],
                'C-mIoU (maj)': miou['majority']['C-mIoU'],
                'A-mIoU (maj)': miou['majority']['A-mIoU'],
                'mACC (maj)': miou['majority']['mACC'],
                'AR@100': result['proposal_recall']['AR@100'],
                PER_CLASS: {
                    objects.categories[c]['name']: v
                    for c, v in sorted(miou['hungarian']['per_class_mIoU'].items())
                },
            }
        return rows

    def write_summary(self, scores: Dict[str, dict]) -> None:
        atomic_write_json(scores, osp.join(self.work_dir, 'summary.json'))
        if not scores:
            return
        columns = [c for c in next(iter(scores.values())) if c != PER_CLASS]
        lines = markdown_table(['val split', *columns],
                               ([row, *(f'{s[c]:.1f}' for c in columns)]
                                for row, s in scores.items()))
        with atomic_writer(osp.join(self.work_dir, 'summary.md')) as f:
            f.write('\n'.join(lines) + '\n')
        self.logger.info('scores on the val split:\n' + '\n'.join(lines))
