"""Path rewriting of stage configs: another data root, outputs of earlier stages."""
from typing import Any, Dict

from mmengine.config import Config


def rebase_strings(value: Any, old_prefix: str, new_prefix: str) -> Any:
    """``value`` with every string that starts with ``old_prefix`` moved to ``new_prefix``."""
    if isinstance(value, str):
        return new_prefix + value[len(old_prefix):] if value.startswith(old_prefix) else value
    if isinstance(value, dict):
        return {k: rebase_strings(v, old_prefix, new_prefix) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(rebase_strings(v, old_prefix, new_prefix) for v in value)
    return value


def with_data_root(cfg: Config, data_root: str) -> Config:
    """The config with its ``data_root`` and every path under it moved to ``data_root``."""
    old = cfg.get('data_root')
    if not old or old == data_root:
        return cfg
    old, new = old.rstrip('/') + '/', data_root.rstrip('/') + '/'
    return Config(rebase_strings(cfg.to_dict(), old, new), filename=cfg.filename)


def format_options(options: Dict[str, Any], values: Dict[str, Any]) -> Dict[str, Any]:
    """``--cfg-options``-style overrides with ``{name}`` fields filled from ``values``."""

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return value.format(**values)
            except KeyError as e:
                raise ValueError(f'stage option {value!r} refers to {e}, which is not one of '
                                 f'{sorted(values)}') from None
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(fill(v) for v in value)
        return value

    return {key: fill(value) for key, value in options.items()}


def reseed(value: Any, seed: int) -> Any:
    """``value`` with every ``seed`` key, at any depth, set to ``seed``."""
    if isinstance(value, dict):
        return {k: seed if k == 'seed' else reseed(v, seed) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(reseed(v, seed) for v in value)
    return value


def with_seed(cfg: Config, seed: int) -> Config:
    """The config with every seed it names (``randomness``, loops, models,
    hooks) set to ``seed``; a config that names none is deterministic."""
    return Config(reseed(cfg.to_dict(), seed), filename=cfg.filename)
