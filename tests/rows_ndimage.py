"""Table rows for ``osculate.ad.prims.filters`` (SciPy's B-spline prefilter as a
primitive): axes of 32 samples or more, every order and a mode of each family
(whole-sample, half-sample, periodic), so the shared tables (finite differences
in four nestings, vmap, jit, sparsity, Taylor mode) run the primitive and its
adjoint."""

from __future__ import annotations

import numpy as np

from _cases import normal

from osculate.ad.prims.filters import spline_prefilter

ROWS = [
    ("spline_prefilter", lambda x: spline_prefilter(x, 3, 0, "mirror") ** 2, [normal(34)], "mirror"),
    ("spline_prefilter", lambda x: np.sin(spline_prefilter(x, 5, 1, "reflect")), [normal(2, 40)], "reflect"),
    ("spline_prefilter", lambda x: spline_prefilter(x * x, 2, -1, "grid-wrap"), [normal(33)], "grid-wrap"),
    ("spline_prefilter", lambda x: spline_prefilter(x, 4, 0, "constant") * x, [normal(36, 2)], "constant"),
]

TAYLOR_ROWS = [(tag, fn, mk, 0.1, True) for tag, fn, mk, _ in ROWS]
