"""The object classes of the synthetic part benchmark.

Each class draws its parts as polygons in the object's local frame, with
random proportions and articulation. Parts are listed in painting order (a
later part covers an earlier one); every part name has its own texture
family, so parts differ in texture and in where they sit on the object,
never in colour (colours are drawn per instance by the renderer).
"""
from dataclasses import dataclass, replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .geometry import arc_band, ellipse, limb, limb_end, quad


@dataclass(frozen=True)
class ObjectClass:
    """An object class: its part names (with texture families) and its drawer."""
    name: str
    parts: Tuple[Tuple[str, str], ...]  # (part name, texture family)
    draw: Callable[[np.random.Generator], List[Tuple[str, np.ndarray]]]

    @property
    def part_names(self) -> Tuple[str, ...]:
        return tuple(name for name, _ in self.parts)


def _deg(rng: np.random.Generator, centre: float, spread: float) -> float:
    return np.deg2rad(centre + rng.uniform(-spread, spread))


def draw_lamp(rng):
    tilt = _deg(rng, -90, 18)
    pole_len = rng.uniform(1.1, 1.5)
    top = limb_end(0, 0.8, pole_len, tilt)
    shade_angle = tilt + np.pi / 2 + _deg(rng, 0, 25)
    return [('base', ellipse(0, 0.85, rng.uniform(0.35, 0.55), rng.uniform(0.1, 0.16))),
            ('pole', limb(0, 0.85, pole_len + 0.05, rng.uniform(0.06, 0.1), tilt)),
            ('shade',
             quad(top[0], top[1], rng.uniform(0.2, 0.4), rng.uniform(0.7, 1.0),
                  rng.uniform(0.35, 0.5), shade_angle))]


def draw_quadruped(rng):
    legs = [
        limb(x, 0.12, rng.uniform(0.5, 0.65), 0.1, _deg(rng, 90, 28), 0.8)
        for x in (-0.45, -0.3, 0.3, 0.45)
    ]
    tail = limb(-0.55, -0.05, rng.uniform(0.35, 0.55), 0.07, _deg(rng, 200, 35), 0.4)
    neck = _deg(rng, -40, 25)
    hx, hy = limb_end(0.5, -0.1, 0.3, neck)
    return ([('leg', p) for p in legs] +
            [('tail', tail),
             ('torso', ellipse(0, 0, rng.uniform(0.55, 0.7), rng.uniform(0.24, 0.32))),
             ('head', limb(0.45, -0.05, 0.32, 0.16, neck, 1.0)),
             ('head', ellipse(hx, hy, 0.22, 0.15, neck + 0.4))])


def draw_car(rng):
    length, shift = rng.uniform(1.5, 1.9), rng.uniform(-0.2, 0.2)
    wheel_r = rng.uniform(0.17, 0.24)
    return [('body', quad(0, 0.1, length, length * 0.96, rng.uniform(0.35, 0.45))),
            ('cabin', quad(shift, -0.28, rng.uniform(0.45, 0.7), rng.uniform(0.8, 1.0), 0.38)),
            ('wheel', ellipse(-length * 0.3, 0.32, wheel_r, wheel_r)),
            ('wheel', ellipse(length * 0.3, 0.32, wheel_r, wheel_r))]


def draw_tree(rng):
    lean = _deg(rng, -90, 10)
    top = limb_end(0, 0.95, 0.9, lean)
    crown = [
        ellipse(top[0] + rng.uniform(-0.3, 0.3), top[1] - rng.uniform(0.1, 0.4),
                rng.uniform(0.3, 0.5), rng.uniform(0.25, 0.4)) for _ in range(3)
    ]
    return [('trunk', limb(0, 0.95, 1.0, rng.uniform(0.14, 0.24), lean, 0.7))] + \
        [('crown', p) for p in crown]


def draw_humanoid(rng):
    legs = [limb(x, 0.3, rng.uniform(0.6, 0.75), 0.13, _deg(rng, 90, 22)) for x in (-0.11, 0.11)]
    arms = [
        limb(x, -0.25, rng.uniform(0.5, 0.65), 0.1, _deg(rng, base, 60))
        for x, base in ((-0.2, 150), (0.2, 30))
    ]
    return ([('leg', p) for p in legs] + [('torso', quad(0, 0.0, 0.42, 0.34, 0.62))] +
            [('arm', p) for p in arms] + [('head', ellipse(0, -0.5, 0.16, 0.18))])


def draw_mug(rng):
    height = rng.uniform(0.8, 1.1)
    width = rng.uniform(0.6, 0.85)
    r = height * rng.uniform(0.25, 0.35)
    return [('handle', arc_band(width / 2, 0, r, r * 0.55, -np.pi / 2, np.pi / 2)),
            ('cup', quad(0, 0, width, width * rng.uniform(0.8, 1.0), height))]


def draw_airplane(rng):
    sweep = rng.uniform(0.1, 0.45)
    span = rng.uniform(0.7, 0.95)
    wings = np.array([[0.15, 0], [-0.2, 0], [-0.2 - sweep, span], [-0.05 - sweep, span]])
    fin = np.array([[-0.65, 0], [-0.9, 0], [-1.0, -rng.uniform(0.3, 0.45)], [-0.85, -0.35]])
    return [('wing', wings), ('wing', wings * [1, -1]), ('tail', fin),
            ('fuselage', ellipse(0, 0, 0.95, rng.uniform(0.1, 0.15)))]


OBJECT_CLASSES: Tuple[ObjectClass, ...] = (
    ObjectClass('lamp', (('base', 'checker'), ('pole', 'solid'), ('shade', 'stripes')), draw_lamp),
    ObjectClass('quadruped',
                (('leg', 'stripes'), ('tail', 'noise'), ('torso', 'spots'), ('head', 'solid')),
                draw_quadruped),
    ObjectClass('car', (('body', 'solid'), ('cabin', 'checker'), ('wheel', 'rings')), draw_car),
    ObjectClass('tree', (('trunk', 'stripes'), ('crown', 'spots')), draw_tree),
    ObjectClass('humanoid',
                (('leg', 'solid'), ('torso', 'checker'), ('arm', 'stripes'), ('head', 'noise')),
                draw_humanoid),
    ObjectClass('mug', (('handle', 'solid'), ('cup', 'stripes')), draw_mug),
    ObjectClass('airplane', (('wing', 'checker'), ('tail', 'solid'), ('fuselage', 'noise')),
                draw_airplane),
)

CLASSES_BY_NAME: Dict[str, ObjectClass] = {c.name: c for c in OBJECT_CLASSES}


def class_set(spec: Optional[Sequence[str]] = None) -> Tuple[ObjectClass, ...]:
    """The object classes of a benchmark: all of :data:`OBJECT_CLASSES` by
    default, else those named in ``spec``, in its order. ``'lamp'`` takes a
    class as it is; ``'tower=lamp'`` draws lamps under the name ``tower``, so
    that data sets of any size and names can be made."""
    if spec is None:
        return OBJECT_CLASSES
    classes = []
    for entry in spec:
        name, _, drawer = str(entry).partition('=')
        drawer = drawer or name
        if drawer not in CLASSES_BY_NAME:
            raise ValueError(f'synthetic class {entry!r}: {drawer!r} is not one of '
                             f'{sorted(CLASSES_BY_NAME)}')
        classes.append(replace(CLASSES_BY_NAME[drawer], name=name))
    names = [c.name for c in classes]
    if not names or len(set(names)) != len(names) or '' in names:
        raise ValueError(f'synthetic classes must be named, distinct and at least one: {names}')
    return tuple(classes)
