"""Table rows for ``osculate.scipy.linalg``'s ``funm``, ``signm`` and
``clarkson_woodruff_transform`` (``matrix_balance`` and ``cdf2rdf`` choose
from concrete values, so they are tested in ``test_scipy_linalg_misc.py``).
Outputs are real parts: inside jit and vmap ``funm`` keeps the complex dtype
it cannot check."""

from __future__ import annotations

import numpy as np

from osculate.scipy import linalg as la

from _cases import normal


def separated(r):
    """Eigenvalues well apart, with both signs of the real part (for signm)."""
    return np.diag([2.0, -1.0, 3.5]) + 0.2 * r.standard_normal((3, 3))


ROWS = [
    ("scipy.linalg.funm", lambda a: np.real(la.funm(a, np.exp)), [separated], "exp"),
    ("scipy.linalg.funm", lambda a: np.real(la.funm(a, lambda w: np.sin(w) * w)), [separated], "sin"),
    ("scipy.linalg.signm", lambda a: np.real(la.signm(a)), [separated], ""),
    ("scipy.linalg.clarkson_woodruff_transform", lambda a: la.clarkson_woodruff_transform(a, 3, rng=1),
     [normal(6, 2)], ""),
]


def hessenberg_both(a):
    h, q = la.hessenberg(a, calc_q=True)
    return np.concatenate([h.ravel(), q.ravel()])


ROWS.append(("scipy.linalg.hessenberg", hessenberg_both, [normal(4, 4)], ""))
