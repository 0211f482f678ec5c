"""PartRankingHook: stage 3 after a part-proposal model has trained."""
import os.path as osp
from typing import Dict, Optional

from mmdet.registry import DATASETS, HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ..ranking import PartRanker


@HOOKS.register_module()
class PartRankingHook(Hook):
    """Ranks the trained proposal model's parts into class-specific part labels.

    After training (or when called by ``tools/rank_parts.py``) the model
    proposes parts for the ground-truth objects of each dataset in
    ``datasets``; the proposals of ``fit_split`` are clustered per object
    class and every split is labelled (see :class:`PartRanker`, which takes
    the remaining arguments).

    Args:
        datasets: ``{split: dataset config}``; the datasets give ground-truth
            objects and their pipelines are the proposal model's test pipeline.
        out_dir: output folder; relative paths are under the runner's work_dir.
        fit_split: the split whose proposals define the clusters.
    """
    priority = 'LOW'

    def __init__(self,
                 datasets: Dict[str, dict],
                 out_dir: str = 'part_ranking',
                 fit_split: str = 'train',
                 **ranker_args) -> None:
        if fit_split not in datasets:
            raise ValueError(f'fit_split {fit_split!r} is not one of the datasets {list(datasets)}')
        self.datasets, self.out_dir, self.fit_split = datasets, out_dir, fit_split
        self.ranker_args = ranker_args

    def output_dir(self, runner) -> str:
        return self.out_dir if osp.isabs(self.out_dir) else osp.join(runner.work_dir, self.out_dir)

    def after_train(self, runner) -> None:
        self.rank(runner)

    def rank(self, runner, out_dir: Optional[str] = None) -> Dict[str, dict]:
        """Run stage 3 with the runner's model; returns each split's label summary."""
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        datasets = {split: DATASETS.build(cfg) for split, cfg in self.datasets.items()}
        ranker = PartRanker(out_dir or self.output_dir(runner), **self.ranker_args)
        return ranker.run(model, datasets, self.fit_split)
