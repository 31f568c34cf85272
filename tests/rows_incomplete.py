"""Table rows for ``osculate.ad.prims.incomplete`` (gammainc, gammaincc and
betainc in every argument), joined to ``test_ad_primitives``' table (and so to
vmap, jit and sparsity) and to ``test_taylor``'s.  The derivative primitives
``gammainc_da`` and ``betainc_d`` are reached through the derivatives in
``a`` and ``b``.  Both sides of each algorithm are covered: the series of
``P`` (``x ≤ a + 1``) and the continued fraction of ``Q``; ``betainc``
directly and by ``1 - I_{1-x}(b, a)``."""

from __future__ import annotations

from scipy import special

from _cases import uniform
from osculate.ad.prims.incomplete import betainc_d, gammainc_da

ROWS = [
    ("gammainc", special.gammainc, [uniform(0.5, 3.0, 3), uniform(0.2, 3.0, 3)], "a-x"),
    ("gammainc", special.gammainc, [uniform(0.5, 2.0, 2, 1), uniform(4.0, 8.0, 3)], "a-x-upper-broadcast"),
    ("gammaincc", special.gammaincc, [uniform(0.5, 3.0, 3), uniform(0.2, 3.0, 3)], "a-x"),
    ("gammaincc", lambda a, x: special.gammaincc(a, x) * a, [uniform(0.5, 2.0, 3), uniform(4.0, 8.0, 2, 3)],
     "a-x-upper-broadcast"),
    ("betainc", special.betainc, [uniform(0.5, 3.0, 3), uniform(0.5, 3.0, 3), uniform(0.1, 0.9, 3)], "a-b-x"),
    ("betainc", lambda a, b: special.betainc(a, b, 0.8) + special.betainc(b, a, 0.2),
     [uniform(1.0, 4.0, 2, 1), uniform(0.5, 2.0, 3)], "a-b-broadcast-both-sides"),
    # the derivative primitives called directly (so sparsity detection meets them too): FD to order 2 of
    # ∂²P/∂a² and ∂²I/∂a∂b checks their derivatives up to order 4
    ("gammainc_da", lambda a, x: gammainc_da(a, x, 2), [uniform(0.5, 3.0, 3), uniform(0.2, 6.0, 3)], "k2"),
    ("betainc_d", lambda a, b, x: betainc_d(a, b, x, 1, 1),
     [uniform(0.5, 3.0, 3), uniform(0.5, 3.0, 3), uniform(0.1, 0.9, 3)], "j1-l1"),
]

TAYLOR_ROWS = [
    ("gammainc", special.gammainc, [uniform(0.5, 3.0, 3), uniform(0.2, 3.0, 3)], 0.1, True),
    ("gammaincc", special.gammaincc, [uniform(0.5, 2.0, 3), uniform(4.0, 8.0, 3)], 0.1, True),
    ("betainc", special.betainc, [uniform(0.5, 3.0, 3), uniform(0.5, 3.0, 3), uniform(0.1, 0.9, 3)], 0.05, True),
]
