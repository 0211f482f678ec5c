"""Freezing submodules named in a config."""
from typing import List, Sequence

from torch import nn


def freeze_modules(model: nn.Module, names: Sequence[str]) -> List[nn.Module]:
    """Stop gradients to the submodules of ``model`` at the dotted ``names``.

    Returns the frozen modules, which the caller keeps in eval mode (their
    normalisation statistics stay as loaded). An unknown name is an error
    that lists the model's top-level children.
    """
    found = dict(model.named_modules())
    frozen = []
    for name in names:
        if name not in found:
            children = ', '.join(n for n, _ in model.named_children())
            raise ValueError(f'frozen_modules: {type(model).__name__} has no submodule '
                             f'{name!r} (top-level: {children})')
        module = found[name]
        module.requires_grad_(False)
        frozen.append(module)
    return frozen
