"""Table rows for the implicit functions (``osculate.ad.implicit``): roots and
fixed points differentiated by the implicit function theorem, joined to
``test_ad_primitives``' table (finite differences in four nestings) and so
to vmap, jit and sparsity -- which reach the primitive ``implicit_solve``."""

from __future__ import annotations

import numpy as np

import osculate as osc

from _cases import uniform


def _cubic_root(a, b):
    """The real root of x³ + a x − b (a > 0: one real root)."""
    return osc.root_scalar(lambda x, a, b: x ** 3 + a * x - b, a, b, bracket=(-10.0, 10.0), xtol=1e-15)


def _system_root(p):
    """The root of a smooth 2×2 system in p (near x = p)."""
    f = lambda x, p: np.stack([x[0] + 0.1 * np.sin(x[1]) - p[0], x[1] + 0.1 * x[0] ** 2 - p[1]])  # noqa: E731
    return osc.root(f, np.array(p_start), p)


p_start = [0.5, 0.5]

ROWS = [
    ("implicit_solve", _cubic_root, [uniform(0.5, 2.0), uniform(-1.0, 1.0)], "root_scalar"),
    ("implicit_solve", _system_root, [uniform(0.2, 0.8, 2)], "root"),
    ("implicit_solve", lambda a: osc.fixed_point(lambda x, a: np.cos(a * x), 0.5, a), [uniform(0.6, 1.2)],
     "fixed_point"),
]
