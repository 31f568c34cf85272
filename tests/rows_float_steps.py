"""Table rows for ``np.nextafter`` and ``np.spacing`` (piecewise-constant
steps of one ulp: ``nextafter`` is its first argument plus one, ``spacing``
has derivative 0), so that every table (vmap, jit, sparsity, Taylor) reaches
their primitives."""

from __future__ import annotations

import numpy as np

from _cases import normal, uniform

ROWS = [
    ("nextafter", lambda x, y: np.nextafter(x, y) * x, [normal(3), normal(3)], ""),
    ("spacing", lambda x: np.spacing(x) * 1e10 + x ** 2, [uniform(0.5, 2.0, 3)], ""),
]

TAYLOR_ROWS = [
    ("nextafter", lambda x: np.nextafter(x, 5.0) * x, [normal(3)], 0.1, True),
    ("spacing", lambda x: np.spacing(x) + np.sin(x), [uniform(0.5, 2.0, 3)], 0.1, True),
]
