"""PartProposalHead: Mask2Former's head with one foreground class and query features."""
from mmdet.registry import MODELS

from .query_mask2former_head import QueryMask2FormerHead


@MODELS.register_module()
class PartProposalHead(QueryMask2FormerHead):
    """Class-agnostic part proposals: each query predicts a mask, a foreground
    score and its query feature (the decoder-normalised query embedding, L2
    normalised), the feature that stage 3 clusters into part classes.

    Takes every argument of :class:`Mask2FormerHead`; the class count is fixed
    to one foreground class. Loading a checkpoint of another class count
    (a COCO instance model, say) re-initialises the classifier and logs it;
    a checkpoint with another number of queries is an error.
    """

    def __init__(self,
                 *args,
                 num_things_classes: int = 1,
                 num_stuff_classes: int = 0,
                 **kwargs) -> None:
        if (num_things_classes, num_stuff_classes) != (1, 0):
            raise ValueError('PartProposalHead is class-agnostic: num_things_classes must be 1 '
                             f'and num_stuff_classes 0, got {num_things_classes} and '
                             f'{num_stuff_classes}')
        super().__init__(*args, num_things_classes=1, num_stuff_classes=0, **kwargs)
