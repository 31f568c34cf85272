"""Table rows for ``osculate.ad.prims.special_ode`` (Wright's Bessel function and
its log, hyperu, besselpoly, the integrals of Bessel, Struve and Airy
functions, the parabolic cylinder, Mathieu and spheroidal wave functions with
their derivatives), joined to ``test_ad_primitives``' table (and so to vmap, jit and
sparsity) and to ``test_taylor``'s.  Each row calls SciPy's ufunc, which
reaches the primitives through ``__array_ufunc__``; the pairs ``(y, y')`` are
summed with different weights so that one row checks both primitives."""

from __future__ import annotations

import numpy as np
from scipy import special

import osculate as osc
from _cases import uniform

_pos = lambda *shape: uniform(0.3, 2.5, *shape)  # noqa: E731
# spheroidal orders, parameters and characteristic values
_M, _N, _C = np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([1.2, 0.8, 2.0])
_PRO_CV, _OBL_CV = special.pro_cv(_M, _N, _C), special.obl_cv(_M, _N, _C)


def _both(fn):
    """``y + 0.3 y'`` of a function returning ``(y, y')``."""
    def out(*args):
        y, yp = fn(*args)
        return y + 0.3 * yp

    return out


def _all(fn):
    def out(x):
        parts = fn(x)
        return sum((k + 1.0) * p for k, p in enumerate(parts))

    return out


ROWS = [
    ("wright_bessel", lambda x: special.wright_bessel(np.array([0.5, 1.0, 2.0]), 1.2, x), [_pos(2, 3)], ""),
    ("log_wright_bessel", lambda x: special.log_wright_bessel(np.array([0.5, 1.0, 2.0]), 0.7, x), [_pos(2, 3)], ""),
    ("hyperu", lambda x: special.hyperu(np.array([0.7, 1.5, -0.4]), 1.3, x), [uniform(0.5, 3.0, 2, 3)], ""),
    ("besselpoly", lambda a: special.besselpoly(a, np.array([1.0, 0.5, 2.0]), np.array([0.0, 1.0, -1.5])),
     [uniform(0.3, 2.0, 2, 3)], ""),
    ("itj0y0_j", _all(special.itj0y0), [_pos(3)], ""),
    ("it2j0y0_j", _all(special.it2j0y0), [_pos(2, 3)], "across-the-series-edge"),
    ("it2j0y0_j", lambda x: special.it2j0y0(x)[0], [uniform(-0.9, 0.9, 3)], "series"),
    ("iti0k0_i", _all(special.iti0k0), [_pos(3)], ""),
    ("it2i0k0_i", _all(special.it2i0k0), [_pos(2, 3)], "across-the-series-edge"),
    ("itstruve0", special.itstruve0, [uniform(-3.0, 3.0, 3)], ""),
    ("it2struve0", special.it2struve0, [uniform(-3.0, 3.0, 2, 3)], ""),
    ("itmodstruve0", special.itmodstruve0, [uniform(-3.0, 3.0, 3)], ""),
    ("itairy_apt", _all(special.itairy), [uniform(-3.0, 3.0, 2, 3)], ""),
    ("pbdv", _both(lambda x: special.pbdv(np.array([0.7, -1.4, 2.0]), x)), [uniform(-2.0, 2.0, 2, 3)], ""),
    ("pbvv", _both(lambda x: special.pbvv(np.array([0.7, -1.4, 2.0]), x)), [uniform(-2.0, 2.0, 3)], ""),
    ("pbwa", _both(lambda x: special.pbwa(np.array([0.7, -1.4, 2.0]), x)), [uniform(-2.0, 2.0, 3)], ""),
    ("mathieu_cem", _both(lambda x: special.mathieu_cem(np.array([0, 1, 2]), 1.5, x)), [uniform(-80.0, 80.0, 2, 3)],
     "degrees"),
    ("mathieu_sem", _both(lambda x: special.mathieu_sem(np.array([1, 2, 3]), 0.7, x)), [uniform(-80.0, 80.0, 3)],
     "degrees"),
    ("mathieu_modcem1", _both(lambda x: special.mathieu_modcem1(np.array([0, 1, 2]), 1.5, x)),
     [uniform(0.2, 1.2, 3)], ""),
    ("mathieu_modcem2", _both(lambda x: special.mathieu_modcem2(np.array([0, 1, 2]), 1.5, x)),
     [uniform(0.2, 1.2, 3)], ""),
    ("mathieu_modsem1", _both(lambda x: special.mathieu_modsem1(np.array([1, 2, 3]), 1.5, x)),
     [uniform(0.2, 1.2, 3)], ""),
    ("mathieu_modsem2", _both(lambda x: special.mathieu_modsem2(np.array([1, 2, 3]), 1.5, x)),
     [uniform(0.2, 1.2, 3)], ""),
    # the characteristic values enter through the equation, so through a derivative: a gradient inside
    # the function (so that the sparsity, vmap and jit tables trace them too)
    ("mathieu_a_cv", lambda x: osc.grad(lambda t: np.sum(special.mathieu_modcem1(2, 1.5, t)[1]))(x) * x,
     [uniform(0.2, 1.2, 3)], "d-family"),
    # ce and se in q (and in x and q together)
    ("mathieu_cem", _both(lambda q, x: special.mathieu_cem(np.array([0, 1, 2]), q, x)),
     [uniform(-3.0, 3.0, 3), uniform(-80.0, 80.0, 3)], "q-x"),
    ("mathieu_sem", _both(lambda q, x: special.mathieu_sem(np.array([1, 2, 3]), q, x)),
     [uniform(-3.0, 3.0, 3), uniform(-80.0, 80.0, 3)], "q-x"),
    ("mathieu_a_fourier_sign", lambda q: osc.grad(lambda t: np.sum(special.mathieu_cem(2, t, 30.0)[0]))(q) * q,
     [uniform(0.5, 3.0, 3)], "d-family"),
    ("mathieu_b_fourier_sign", lambda q: osc.grad(lambda t: np.sum(special.mathieu_sem(3, t, 50.0)[1]))(q) * q,
     [uniform(-3.0, -0.5, 3)], "d-family"),
    ("mathieu_b_cv", lambda x: osc.grad(lambda t: np.sum(special.mathieu_modsem1(1, 1.5, t)[1]))(x) * x,
     [uniform(0.2, 1.2, 3)], "d-family"),
    ("mathieu_a", lambda q: special.mathieu_a(np.array([0, 1, 2, 5]), q), [uniform(-4.0, 4.0, 2, 4)], "in-q"),
    ("mathieu_b", lambda q: special.mathieu_b(np.array([1, 2, 3, 6]), q), [uniform(-4.0, 4.0, 4)], "in-q"),
    ("pro_cv", lambda c: special.pro_cv(_M, _N, c), [uniform(0.3, 3.0, 2, 3)], "in-c"),
    ("obl_cv", lambda c: special.obl_cv(_M, _N, c), [uniform(0.3, 3.0, 3)], "in-c"),
    ("pro_ang1", _both(lambda x: special.pro_ang1(_M, _N, _C, x)), [uniform(-0.8, 0.8, 2, 3)], ""),
    ("pro_rad1", _both(lambda x: special.pro_rad1(_M, _N, _C, x)), [uniform(1.2, 3.0, 3)], ""),
    ("obl_ang1", _both(lambda x: special.obl_ang1(_M, _N, _C, x)), [uniform(-0.8, 0.8, 3)], ""),
    ("obl_rad1", _both(lambda x: special.obl_rad1(_M, _N, _C, x)), [uniform(0.2, 2.0, 3)], ""),
    ("pro_ang1_cv", _both(lambda x: special.pro_ang1_cv(_M, _N, _C, _PRO_CV, x)), [uniform(-0.8, 0.8, 3)], ""),
    ("pro_rad1_cv", _both(lambda x: special.pro_rad1_cv(_M, _N, _C, _PRO_CV, x)), [uniform(1.2, 3.0, 3)], ""),
    ("obl_ang1_cv", _both(lambda x: special.obl_ang1_cv(_M, _N, _C, _OBL_CV, x)), [uniform(-0.8, 0.8, 3)], ""),
    ("obl_rad1_cv", _both(lambda x: special.obl_rad1_cv(_M, _N, _C, _OBL_CV, x)), [uniform(0.2, 2.0, 3)], ""),
    ("pro_cv_x", lambda x: osc.grad(lambda t: np.sum(special.pro_rad1(1, 2, 0.8, t)[1]))(x) * x,
     [uniform(1.2, 3.0, 3)], "d-family"),
    ("obl_cv_x", lambda x: osc.grad(lambda t: np.sum(special.obl_rad1(1, 2, 0.8, t)[1]))(x) * x,
     [uniform(0.2, 2.0, 3)], "d-family"),
    # the angular functions in c (and in x and c together)
    ("pro_ang1", _both(lambda c, x: special.pro_ang1(_M, _N, c, x)), [uniform(0.5, 2.5, 3), uniform(-0.8, 0.8, 3)],
     "c-x"),
    ("obl_ang1", _both(lambda c, x: special.obl_ang1(_M, _N, c, x)), [uniform(0.5, 2.5, 3), uniform(-0.8, 0.8, 3)],
     "c-x"),
]

TAYLOR_ROWS = [(tag, fn, mk, 1.0 if label == "degrees" else 0.05, True) for tag, fn, mk, label in ROWS]
