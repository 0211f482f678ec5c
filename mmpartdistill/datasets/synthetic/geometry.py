"""Polygon primitives in an object's local frame (x right, y down, extent ~[-1, 1])."""
import numpy as np


def ellipse(cx: float,
            cy: float,
            a: float,
            b: float,
            angle: float = 0.0,
            n: int = 28) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    pts = np.stack([a * np.cos(t), b * np.sin(t)], 1)
    return rotate(pts, angle) + [cx, cy]


def rotate(pts: np.ndarray, angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return pts @ np.array([[c, s], [-s, c]])


def quad(cx: float,
         cy: float,
         top: float,
         bottom: float,
         height: float,
         angle: float = 0.0) -> np.ndarray:
    """Trapezoid centred at (cx, cy) with the given top and bottom widths."""
    pts = np.array([[-top / 2, -height / 2], [top / 2, -height / 2], [bottom / 2, height / 2],
                    [-bottom / 2, height / 2]])
    return rotate(pts, angle) + [cx, cy]


def limb(x: float,
         y: float,
         length: float,
         width: float,
         angle: float,
         taper: float = 1.0) -> np.ndarray:
    """A bar from joint (x, y) along ``angle``; ``taper`` scales its far end's width."""
    d = np.array([np.cos(angle), np.sin(angle)])
    nrm = np.array([-d[1], d[0]])
    p0, p1 = np.array([x, y]), np.array([x, y]) + length * d
    w0, w1 = width / 2, width * taper / 2
    return np.stack([p0 + w0 * nrm, p1 + w1 * nrm, p1 - w1 * nrm, p0 - w0 * nrm])


def limb_end(x: float, y: float, length: float, angle: float) -> tuple:
    return x + length * np.cos(angle), y + length * np.sin(angle)


def arc_band(cx: float,
             cy: float,
             r_out: float,
             r_in: float,
             start: float,
             end: float,
             n: int = 16) -> np.ndarray:
    """A C-shaped band between two radii, from angle ``start`` to ``end``."""
    t = np.linspace(start, end, n)
    outer = np.stack([cx + r_out * np.cos(t), cy + r_out * np.sin(t)], 1)
    inner = np.stack([cx + r_in * np.cos(t[::-1]), cy + r_in * np.sin(t[::-1])], 1)
    return np.concatenate([outer, inner])
