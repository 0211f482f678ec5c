# MMDetection's runtime, with parts drawn by PartLocalVisualizer (each part id
# of a class in one colour, beside the objects) for tools/test.py --show-dir
# and the inferencer; every part is drawn, whatever its score. The visualizer
# is left unnamed (MMDetection's base names it 'visualizer'), so each Runner
# names its own after its experiment: the stages of one process no longer share
# the first stage's instance, save_dir and dataset_meta.
_base_ = 'mmdet::_base_/default_runtime.py'

visualizer = dict(
    _delete_=True, type='PartLocalVisualizer', vis_backends=[dict(type='LocalVisBackend')])
default_hooks = dict(visualization=dict(type='DetVisualizationHook', score_thr=0.0))
