from .prediction_labels import write_prediction_labels
from .self_training_loop import SelfTrainingLoop

__all__ = ['SelfTrainingLoop', 'write_prediction_labels']
