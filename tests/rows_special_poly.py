"""Table rows for ``osculate.ad.prims.special_poly`` (SciPy's orthogonal
polynomials and ``lpmv``, differentiated in ``x``), joined to ``test_ad_primitives``'
table (and so to vmap, jit and sparsity) and to ``test_taylor``'s.

The degree is a constant of each row: an integer array that broadcasts
against ``x`` (degrees 0, 1, a middle one and 12), and for the families with
a hypergeometric continuation also a float degree."""

from __future__ import annotations

import numpy as np
from scipy import special

from _cases import uniform

_N = np.array([0, 1, 4, 12])  # broadcast against x of shape (..., 4)
_NCOL = np.array([[0], [2], [7]])  # against x of shape (3,): a (3, 3) output
_in = lambda *shape: uniform(-0.95, 0.95, *shape)  # noqa: E731
_half = lambda *shape: uniform(0.05, 0.95, *shape)  # noqa: E731  (the shifted ones' [0, 1])

ROWS = [
    ("eval_legendre", lambda x: special.eval_legendre(_N, x), [_in(2, 4)], "n-array"),
    ("eval_legendre", lambda x: special.eval_legendre(2.5, x), [uniform(-0.8, 1.8, 3)], "float-n"),
    ("eval_chebyt", lambda x: special.eval_chebyt(_N, x), [_in(4)], "n-array"),
    ("eval_chebyt", lambda x: special.eval_chebyt(np.array([-3, 3]), x), [uniform(1.1, 1.6, 2)], "negative-n-beyond"),
    ("eval_chebyu", lambda x: special.eval_chebyu(_NCOL, x), [_in(3)], "n-column"),
    ("eval_chebyu", lambda x: special.eval_chebyu(np.array([-4, -1, 3.5]), x), [_in(3)], "negative-and-float-n"),
    ("eval_chebyc", lambda x: special.eval_chebyc(_N, x), [uniform(-1.9, 1.9, 4)], "n-array"),
    ("eval_chebys", lambda x: special.eval_chebys(_N, x), [uniform(-1.9, 1.9, 4)], "n-array"),
    ("eval_hermite", lambda x: special.eval_hermite(_N, x), [uniform(-2.0, 2.0, 4)], "n-array"),
    ("eval_hermitenorm", lambda x: special.eval_hermitenorm(_NCOL, x), [uniform(-2.0, 2.0, 3)], "n-column"),
    ("eval_laguerre", lambda x: special.eval_laguerre(_N, x), [uniform(0.0, 3.0, 4)], "n-array"),
    ("eval_laguerre", lambda x: special.eval_laguerre(1.5, x), [uniform(-1.0, 3.0, 3)], "float-n"),
    ("eval_genlaguerre", lambda x: special.eval_genlaguerre(_N, 0.7, x), [uniform(0.0, 3.0, 4)], "alpha-0.7"),
    ("eval_genlaguerre", lambda x: special.eval_genlaguerre(_NCOL, -0.3, x), [uniform(0.0, 3.0, 3)], "alpha--0.3"),
    ("eval_gegenbauer", lambda x: special.eval_gegenbauer(_N, 0.7, x), [_in(4)], "alpha-0.7"),
    ("eval_gegenbauer", lambda x: special.eval_gegenbauer(_NCOL, -0.3, x), [_in(3)], "alpha--0.3"),
    ("eval_jacobi", lambda x: special.eval_jacobi(_N, 0.7, -0.3, x), [_in(4)], "alpha-beta"),
    ("eval_jacobi", lambda x: special.eval_jacobi(2.5, -0.3, 1.5, x), [uniform(-0.8, 1.5, 3)], "float-n"),
    ("eval_sh_legendre", lambda x: special.eval_sh_legendre(_N, x), [_half(4)], "n-array"),
    ("eval_sh_chebyt", lambda x: special.eval_sh_chebyt(_N, x), [_half(4)], "n-array"),
    ("eval_sh_chebyu", lambda x: special.eval_sh_chebyu(_NCOL, x), [_half(3)], "n-column"),
    ("eval_sh_jacobi", lambda x: special.eval_sh_jacobi(_N, 2.5, 1.3, x), [_half(4)], "p-q"),
    ("lpmv", lambda x: special.lpmv(np.array([0, 1, 2, -1]), 2.5, x), [_in(2, 4)], "m-array"),
    ("lpmv", lambda x: special.lpmv(np.array([[1], [-3]]), 5.0, x), [_in(3)], "integer-degree"),
    # several polynomials of one point, a 0-d argument
    ("eval_jacobi", lambda x: special.eval_legendre(3, x) * special.eval_jacobi(5, 0.7, -0.3, x)
     + special.eval_hermite(4, x) ** 2, [_in()], "composite"),
]

# (degree 12 varies fast: a short step along the curve)
TAYLOR_ROWS = [(tag, fn, mk, 0.02, True) for tag, fn, mk, label in ROWS]
