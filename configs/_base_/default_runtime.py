# MMDetection's runtime, with parts drawn by PartLocalVisualizer (each part id
# of a class in one colour, beside the objects) for tools/test.py --show-dir
# and the inferencer; every part is drawn, whatever its score.
_base_ = 'mmdet::_base_/default_runtime.py'

visualizer = dict(
    type='PartLocalVisualizer', vis_backends=[dict(type='LocalVisBackend')], name='visualizer')
default_hooks = dict(visualization=dict(type='DetVisualizationHook', score_thr=0.0))
