"""Standard test problems for unconstrained optimization and least squares.

This module encodes

* the Moré–Garbow–Hillstrom (MGH) collection of nonlinear least-squares test
  functions (J. J. Moré, B. S. Garbow, K. E. Hillstrom, "Testing Unconstrained
  Optimization Software", ACM TOMS 7(1), 17–41, 1981), each as a residual
  function ``r(x)`` with the objective ``f(x) = sum(r(x)**2)``, its standard
  starting point and the published minimum value(s);
* two NIST StRD nonlinear-regression data sets (Misra1a, Thurber) with their
  certified parameter values (defined in :mod:`osculate.testing.nist`,
  re-exported here).

Every residual is written with "traceable" NumPy only (ufuncs, slicing,
reductions, ``@``, ``np.stack``/``np.concatenate``/``np.where``): no
``np.array([...])`` of computed scalars and no in-place assignment, so the
functions can be differentiated by :mod:`osculate`'s tracer.

Notes on conventions
--------------------
* ``f = sum(r**2)`` exactly as in the MGH paper (no factor 1/2).  For
  :func:`osculate.optim.least_squares` (SciPy convention) ``cost = f / 2``.
* Where the MGH paper lists several local minima, ``fstar`` is the global
  value and ``fstar_local`` lists the other published local minimum values;
  ``Problem.reached(f)`` accepts any of them.
* Residuals of the "extended" problems are grouped (all first components,
  then all second components) rather than interleaved; this does not change
  ``f``.
* The Gulf research & development function uses ``m = 99`` and the corrected
  formula ``exp(-|y_i - x_2|^{x_3} / x_1) - t_i`` (the "mi" in the published
  formula is a typesetting error for a minus sign).

>>> import numpy as np
>>> from osculate.testing.problems import get_problem
>>> p = get_problem("rosenbrock")
>>> round(float(p.f(p.x0)), 12)
24.2
>>> float(p.f(np.ones(2)))
0.0
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .nist import NIST_PROBLEMS, NISTProblem, get_nist_problem

__all__ = [
    "Problem",
    "NISTProblem",
    "MGH_PROBLEMS",
    "NIST_PROBLEMS",
    "get_problem",
    "mgh_problems",
    "get_nist_problem",
]


@dataclass(frozen=True)
class Problem:
    """A nonlinear least-squares test problem ``f(x) = sum(r(x)**2)``.

    Attributes
    ----------
    name : str
        Registry name (lower case, dashes).
    title : str
        Human readable name.
    number : int
        Number in the MGH paper (0 for problems outside the collection).
    n, m : int
        Number of variables and of residuals.
    residual : callable
        ``r(x) -> ndarray of shape (m,)``; traceable NumPy.
    x0 : ndarray
        Standard starting point.
    fstar : float
        Published minimum value of ``f`` (the global one where known).
    fstar_local : tuple of float
        Other published local minimum values (``f`` values that a local
        method may legitimately reach from ``x0``).
    xstar : ndarray or None
        Minimiser where it is unique and published.
    """

    name: str
    title: str
    number: int
    n: int
    m: int
    residual: Callable
    x0: np.ndarray
    fstar: float
    fstar_local: tuple = ()
    xstar: np.ndarray | None = None
    notes: str = ""
    extra: dict = field(default_factory=dict)

    def f(self, x):
        """Objective ``sum(r(x)**2)`` (traceable)."""
        r = self.residual(x)
        return np.sum(r * r)

    __call__ = f

    def reached(self, fval, rtol=1e-4, atol=1e-8):
        """True when ``fval`` matches ``fstar`` or one of ``fstar_local``.

        Zero minima are matched with the absolute tolerance ``atol``; positive
        ones with ``rtol`` relative to the published value (which is itself
        given to about 6 significant digits).
        """
        for target in (self.fstar,) + tuple(self.fstar_local):
            if target == 0.0:
                if abs(fval) <= atol:
                    return True
            elif abs(fval - target) <= rtol * abs(target) + atol:
                return True
        return False


def _vec(*scalars):
    """Stack traced scalars into a 1-D array (traceable replacement for np.array)."""
    return np.stack(scalars)


# ---------------------------------------------------------------------------
# MGH residual functions.  Numbering follows the 1981 paper.
# ---------------------------------------------------------------------------

def _rosenbrock(x):
    return _vec(10.0 * (x[1] - x[0] ** 2), 1.0 - x[0])


def _freudenstein_roth(x):
    x1, x2 = x[0], x[1]
    return _vec(-13.0 + x1 + ((5.0 - x2) * x2 - 2.0) * x2,
                -29.0 + x1 + ((x2 + 1.0) * x2 - 14.0) * x2)


def _powell_badly_scaled(x):
    x1, x2 = x[0], x[1]
    return _vec(1e4 * x1 * x2 - 1.0, np.exp(-x1) + np.exp(-x2) - 1.0001)


def _brown_badly_scaled(x):
    x1, x2 = x[0], x[1]
    return _vec(x1 - 1e6, x2 - 2e-6, x1 * x2 - 2.0)


_BEALE_Y = np.array([1.5, 2.25, 2.625])
_BEALE_I = np.arange(1.0, 4.0)


def _beale(x):
    return _BEALE_Y - x[0] * (1.0 - x[1] ** _BEALE_I)


_JS_I = np.arange(1.0, 11.0)


def _jennrich_sampson(x):
    return 2.0 + 2.0 * _JS_I - (np.exp(_JS_I * x[0]) + np.exp(_JS_I * x[1]))


def _helical_valley(x):
    x1, x2, x3 = x[0], x[1], x[2]
    # theta = arctan(x2/x1)/(2 pi) (+ 1/2 when x1 < 0)
    theta = np.arctan(x2 / x1) / (2.0 * np.pi) + np.where(x1 < 0.0, 0.5, 0.0)
    return _vec(10.0 * (x3 - 10.0 * theta),
                10.0 * (np.sqrt(x1 ** 2 + x2 ** 2) - 1.0),
                x3)


_BARD_Y = np.array([0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58,
                    0.73, 0.96, 1.34, 2.10, 4.39])
_BARD_U = np.arange(1.0, 16.0)
_BARD_V = 16.0 - _BARD_U
_BARD_W = np.minimum(_BARD_U, _BARD_V)


def _bard(x):
    return _BARD_Y - (x[0] + _BARD_U / (_BARD_V * x[1] + _BARD_W * x[2]))


_GAUSS_Y = np.array([0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521,
                     0.3989, 0.3521, 0.2420, 0.1295, 0.0540, 0.0175, 0.0044,
                     0.0009])
_GAUSS_T = (8.0 - np.arange(1.0, 16.0)) / 2.0


def _gaussian(x):
    return x[0] * np.exp(-x[1] * (_GAUSS_T - x[2]) ** 2 / 2.0) - _GAUSS_Y


_MEYER_Y = np.array([34780.0, 28610.0, 23650.0, 19630.0, 16370.0, 13720.0,
                     11540.0, 9744.0, 8261.0, 7030.0, 6005.0, 5147.0, 4427.0,
                     3820.0, 3307.0, 2872.0])
_MEYER_T = 45.0 + 5.0 * np.arange(1.0, 17.0)


def _meyer(x):
    return x[0] * np.exp(x[1] / (_MEYER_T + x[2])) - _MEYER_Y


_GULF_T = np.arange(1.0, 100.0) / 100.0
_GULF_Y = 25.0 + (-50.0 * np.log(_GULF_T)) ** (2.0 / 3.0)


def _gulf(x):
    # |y - x2|**x3 written as exp(x3 * log|y - x2|) so the exponent is traced
    powered = np.exp(x[2] * np.log(np.abs(_GULF_Y - x[1])))
    return np.exp(-powered / x[0]) - _GULF_T


_BOX_T = 0.1 * np.arange(1.0, 11.0)
_BOX_C = np.exp(-_BOX_T) - np.exp(-10.0 * _BOX_T)


def _box3d(x):
    return np.exp(-_BOX_T * x[0]) - np.exp(-_BOX_T * x[1]) - x[2] * _BOX_C


def _powell_singular(x):
    x1, x2, x3, x4 = x[0], x[1], x[2], x[3]
    return _vec(x1 + 10.0 * x2,
                np.sqrt(5.0) * (x3 - x4),
                (x2 - 2.0 * x3) ** 2,
                np.sqrt(10.0) * (x1 - x4) ** 2)


def _wood(x):
    x1, x2, x3, x4 = x[0], x[1], x[2], x[3]
    return _vec(10.0 * (x2 - x1 ** 2),
                1.0 - x1,
                np.sqrt(90.0) * (x4 - x3 ** 2),
                1.0 - x3,
                np.sqrt(10.0) * (x2 + x4 - 2.0),
                (x2 - x4) / np.sqrt(10.0))


_KO_Y = np.array([0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456,
                  0.0342, 0.0323, 0.0235, 0.0246])
_KO_U = np.array([4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714,
                  0.0625])


def _kowalik_osborne(x):
    u = _KO_U
    return _KO_Y - x[0] * (u * u + u * x[1]) / (u * u + u * x[2] + x[3])


_BD_T = np.arange(1.0, 21.0) / 5.0


def _brown_dennis(x):
    t = _BD_T
    a = x[0] + t * x[1] - np.exp(t)
    b = x[2] + x[3] * np.sin(t) - np.cos(t)
    return a * a + b * b


_BIGGS_T = 0.1 * np.arange(1.0, 14.0)
_BIGGS_Y = (np.exp(-_BIGGS_T) - 5.0 * np.exp(-10.0 * _BIGGS_T)
            + 3.0 * np.exp(-4.0 * _BIGGS_T))


def _biggs_exp6(x):
    t = _BIGGS_T
    return (x[2] * np.exp(-t * x[0]) - x[3] * np.exp(-t * x[1])
            + x[5] * np.exp(-t * x[4]) - _BIGGS_Y)


def _make_watson(n):
    t = np.arange(1.0, 30.0) / 29.0
    j = np.arange(1, n + 1)
    # A[i, j-1] = (j-1) t_i^(j-2) (derivative of the polynomial), B = t_i^(j-1)
    A = (j - 1.0) * t[:, None] ** np.maximum(j - 2, 0)
    B = t[:, None] ** (j - 1.0)

    def watson(x):
        s = B @ x
        head = A @ x - s * s - 1.0
        return np.concatenate([head, _vec(x[0], x[1] - x[0] ** 2 - 1.0)])

    return watson


def _extended_rosenbrock(x):
    xo = x[0::2]
    xe = x[1::2]
    return np.concatenate([10.0 * (xe - xo ** 2), 1.0 - xo])


def _extended_powell(x):
    x1, x2, x3, x4 = x[0::4], x[1::4], x[2::4], x[3::4]
    return np.concatenate([x1 + 10.0 * x2,
                           np.sqrt(5.0) * (x3 - x4),
                           (x2 - 2.0 * x3) ** 2,
                           np.sqrt(10.0) * (x1 - x4) ** 2])


_PEN_A = 1e-5


def _penalty1(x):
    return np.concatenate([np.sqrt(_PEN_A) * (x - 1.0),
                           _vec(np.sum(x * x) - 0.25)])


def _make_penalty2(n):
    i = np.arange(2, n + 1)
    y = np.exp(i / 10.0) + np.exp((i - 1) / 10.0)
    w = np.arange(n, 0, -1, dtype=float)  # n - j + 1
    sa = np.sqrt(_PEN_A)

    def penalty2(x):
        e = np.exp(x / 10.0)
        return np.concatenate([
            _vec(x[0] - 0.2),
            sa * (e[1:] + e[:-1] - y),
            sa * (e[1:] - np.exp(-0.1)),
            _vec(np.sum(w * x * x) - 1.0),
        ])

    return penalty2


def _make_variably_dimensioned(n):
    j = np.arange(1.0, n + 1)

    def vardim(x):
        s = np.sum(j * (x - 1.0))
        return np.concatenate([x - 1.0, _vec(s, s * s)])

    return vardim


def _make_trigonometric(n):
    i = np.arange(1.0, n + 1)

    def trig(x):
        c = np.cos(x)
        return n - np.sum(c) + i * (1.0 - c) - np.sin(x)

    return trig


def _shift_matrices(n):
    """Constant matrices giving x_{i-1} and x_{i+1} (zero padded)."""
    down = np.eye(n, k=-1)  # (down @ x)[i] = x[i-1]
    up = np.eye(n, k=1)  # (up @ x)[i] = x[i+1]
    return down, up


def _make_broyden_tridiagonal(n):
    down, up = _shift_matrices(n)

    def broyden_tri(x):
        return (3.0 - 2.0 * x) * x - down @ x - 2.0 * (up @ x) + 1.0

    return broyden_tri


def _make_broyden_banded(n, ml=5, mu=1):
    idx = np.arange(n)
    diff = idx[None, :] - idx[:, None]  # j - i
    band = ((diff >= -ml) & (diff <= mu) & (diff != 0)).astype(float)

    def broyden_banded(x):
        return x * (2.0 + 5.0 * x * x) + 1.0 - band @ (x * (1.0 + x))

    return broyden_banded


def _make_discrete_bv(n):
    h = 1.0 / (n + 1)
    t = h * np.arange(1.0, n + 1)
    down, up = _shift_matrices(n)

    def dbv(x):
        return 2.0 * x - down @ x - up @ x + h * h * (x + t + 1.0) ** 3 / 2.0

    return dbv


def _make_chebyquad(n, m=None):
    m = n if m is None else m
    ks = np.arange(1, m + 1)
    # integral over [0, 1] of the shifted Chebyshev polynomial T_k(2x - 1)
    c = np.zeros(m)
    even = ks % 2 == 0
    c[even] = -1.0 / (ks[even] ** 2 - 1.0)

    def chebyquad(x):
        y = 2.0 * x - 1.0
        t_prev, t_cur = None, y  # T_0 = 1 handled below
        rows = [np.sum(y) / n]
        for k in range(2, m + 1):
            t_next = 2.0 * y * t_cur - (1.0 if t_prev is None else t_prev)
            rows.append(np.sum(t_next) / n)
            t_prev, t_cur = t_cur, t_next
        return np.stack(rows) - c

    return chebyquad


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------

def _p(name, title, number, residual, x0, fstar, m, fstar_local=(), xstar=None,
       notes=""):
    x0 = np.asarray(x0, dtype=float)
    return Problem(name=name, title=title, number=number, n=x0.size, m=m,
                   residual=residual, x0=x0, fstar=float(fstar),
                   fstar_local=tuple(float(v) for v in fstar_local),
                   xstar=None if xstar is None else np.asarray(xstar, float),
                   notes=notes)


def _build_rosenbrock():
    return _p("rosenbrock", "Rosenbrock", 1, _rosenbrock, [-1.2, 1.0], 0.0, 2,
              xstar=[1.0, 1.0])


def _build_freudenstein_roth():
    return _p("freudenstein-roth", "Freudenstein and Roth", 2, _freudenstein_roth,
              [0.5, -2.0], 0.0, 2, fstar_local=(48.9842,), xstar=[5.0, 4.0],
              notes="local minimum f = 48.9842 at (11.41..., -0.8968...) "
                    "attracts most local methods from x0")


def _build_powell_badly_scaled():
    return _p("powell-badly-scaled", "Powell badly scaled", 3,
              _powell_badly_scaled, [0.0, 1.0], 0.0, 2,
              xstar=[1.098159e-5, 9.106146])


def _build_brown_badly_scaled():
    return _p("brown-badly-scaled", "Brown badly scaled", 4, _brown_badly_scaled,
              [1.0, 1.0], 0.0, 3, xstar=[1e6, 2e-6])


def _build_beale():
    return _p("beale", "Beale", 5, _beale, [1.0, 1.0], 0.0, 3, xstar=[3.0, 0.5])


def _build_jennrich_sampson():
    return _p("jennrich-sampson", "Jennrich and Sampson (m=10)", 6,
              _jennrich_sampson, [0.3, 0.4], 124.362, 10,
              xstar=[0.2578, 0.2578],
              notes="xstar is published to 4 digits only")


def _build_helical_valley():
    return _p("helical-valley", "Helical valley", 7, _helical_valley,
              [-1.0, 0.0, 0.0], 0.0, 3, xstar=[1.0, 0.0, 0.0])


def _build_bard():
    return _p("bard", "Bard", 8, _bard, [1.0, 1.0, 1.0], 8.21487e-3, 15,
              fstar_local=(17.4286,),
              notes="17.4286 is attained only as x2, x3 -> -inf")


def _build_gaussian():
    return _p("gaussian", "Gaussian", 9, _gaussian, [0.4, 1.0, 0.0], 1.12793e-8,
              15)


def _build_meyer():
    return _p("meyer", "Meyer", 10, _meyer, [0.02, 4000.0, 250.0], 87.9458, 16)


def _build_gulf():
    return _p("gulf", "Gulf research and development (m=99)", 11, _gulf,
              [5.0, 2.5, 0.15], 0.0, 99, xstar=[50.0, 25.0, 1.5])


def _build_box3d():
    return _p("box-3d", "Box three-dimensional (m=10)", 12, _box3d,
              [0.0, 10.0, 20.0], 0.0, 10,
              notes="minimisers (1, 10, 1), (10, 1, -1) and (t, t, 0)")


def _build_powell_singular():
    return _p("powell-singular", "Powell singular", 13, _powell_singular,
              [3.0, -1.0, 0.0, 1.0], 0.0, 4, xstar=[0.0, 0.0, 0.0, 0.0],
              notes="Hessian singular at the solution: Newton converges "
                    "only linearly")


def _build_wood():
    return _p("wood", "Wood", 14, _wood, [-3.0, -1.0, -3.0, -1.0], 0.0, 6,
              xstar=[1.0, 1.0, 1.0, 1.0])


def _build_kowalik_osborne():
    return _p("kowalik-osborne", "Kowalik and Osborne", 15, _kowalik_osborne,
              [0.25, 0.39, 0.415, 0.39], 3.07505e-4, 11,
              fstar_local=(1.02734e-3,),
              notes="1.02734e-3 is attained only at infinity")


def _build_brown_dennis():
    return _p("brown-dennis", "Brown and Dennis (m=20)", 16, _brown_dennis,
              [25.0, 5.0, -5.0, -1.0], 85822.2, 20)


def _build_biggs_exp6():
    return _p("biggs-exp6", "Biggs EXP6 (m=13)", 18, _biggs_exp6,
              [1.0, 2.0, 1.0, 1.0, 1.0, 1.0], 0.0, 13,
              fstar_local=(5.65565e-3,),
              xstar=None,
              notes="global minimum 0 at (1, 10, 1, 5, 4, 3) (and "
                    "permutations); local minimum 5.65565e-3")


def _build_watson(n=6):
    fstars = {6: 2.28767e-3, 9: 1.39976e-6, 12: 4.72238e-10}
    if n not in fstars:
        raise ValueError(f"watson: published minima exist for n in {sorted(fstars)}")
    return _p("watson" if n == 6 else f"watson-{n}", f"Watson (n={n})", 20,
              _make_watson(n), np.zeros(n), fstars[n], 31)


def _build_extended_rosenbrock(n=10):
    if n % 2:
        raise ValueError("extended Rosenbrock needs an even n")
    return _p("extended-rosenbrock", f"Extended Rosenbrock (n={n})", 21,
              _extended_rosenbrock, np.tile([-1.2, 1.0], n // 2), 0.0, n,
              xstar=np.ones(n))


def _build_extended_powell(n=12):
    if n % 4:
        raise ValueError("extended Powell singular needs n divisible by 4")
    return _p("extended-powell", f"Extended Powell singular (n={n})", 22,
              _extended_powell, np.tile([3.0, -1.0, 0.0, 1.0], n // 4), 0.0, n,
              xstar=np.zeros(n),
              notes="singular Hessian at the solution")


def _build_penalty1(n=4):
    fstars = {4: 2.24997e-5, 10: 7.08765e-5}
    if n not in fstars:
        raise ValueError(f"penalty-1: published minima exist for n in {sorted(fstars)}")
    return _p("penalty-1", f"Penalty I (n={n})", 23, _penalty1,
              np.arange(1.0, n + 1), fstars[n], n + 1)


def _build_penalty2(n=4):
    fstars = {4: 9.37629e-6, 10: 2.93660e-4}
    if n not in fstars:
        raise ValueError(f"penalty-2: published minima exist for n in {sorted(fstars)}")
    return _p("penalty-2", f"Penalty II (n={n})", 24, _make_penalty2(n),
              np.full(n, 0.5), fstars[n], 2 * n)


def _build_variably_dimensioned(n=10):
    j = np.arange(1.0, n + 1)
    return _p("variably-dimensioned", f"Variably dimensioned (n={n})", 25,
              _make_variably_dimensioned(n), 1.0 - j / n, 0.0, n + 2,
              xstar=np.ones(n))


def _build_trigonometric(n=10):
    local = (2.79506e-5,) if n == 10 else ()
    return _p("trigonometric", f"Trigonometric (n={n})", 26,
              _make_trigonometric(n), np.full(n, 1.0 / n), 0.0, n,
              fstar_local=local,
              notes="for n=10 a local minimum with f = 2.79506e-5 exists")


def _build_discrete_bv(n=10):
    h = 1.0 / (n + 1)
    t = h * np.arange(1.0, n + 1)
    return _p("discrete-boundary-value", f"Discrete boundary value (n={n})", 28,
              _make_discrete_bv(n), t * (t - 1.0), 0.0, n)


def _build_broyden_tridiagonal(n=10):
    return _p("broyden-tridiagonal", f"Broyden tridiagonal (n={n})", 30,
              _make_broyden_tridiagonal(n), -np.ones(n), 0.0, n)


def _build_broyden_banded(n=10):
    return _p("broyden-banded", f"Broyden banded (n={n})", 31,
              _make_broyden_banded(n), -np.ones(n), 0.0, n)


def _build_chebyquad(n=8):
    fstars = {1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0, 6: 0.0, 7: 0.0,
              8: 3.51687e-3, 9: 0.0, 10: 6.50395e-3}
    if n not in fstars:
        raise ValueError(f"chebyquad: published minima exist for n in {sorted(fstars)}")
    return _p("chebyquad", f"Chebyquad (n=m={n})", 35, _make_chebyquad(n),
              np.arange(1.0, n + 1) / (n + 1), fstars[n], n)


#: name -> builder; builders of variable-dimension problems accept ``n``.
MGH_PROBLEMS = {
    "rosenbrock": _build_rosenbrock,
    "freudenstein-roth": _build_freudenstein_roth,
    "powell-badly-scaled": _build_powell_badly_scaled,
    "brown-badly-scaled": _build_brown_badly_scaled,
    "beale": _build_beale,
    "jennrich-sampson": _build_jennrich_sampson,
    "helical-valley": _build_helical_valley,
    "bard": _build_bard,
    "gaussian": _build_gaussian,
    "meyer": _build_meyer,
    "gulf": _build_gulf,
    "box-3d": _build_box3d,
    "powell-singular": _build_powell_singular,
    "wood": _build_wood,
    "kowalik-osborne": _build_kowalik_osborne,
    "brown-dennis": _build_brown_dennis,
    "biggs-exp6": _build_biggs_exp6,
    "watson": _build_watson,
    "extended-rosenbrock": _build_extended_rosenbrock,
    "extended-powell": _build_extended_powell,
    "penalty-1": _build_penalty1,
    "penalty-2": _build_penalty2,
    "variably-dimensioned": _build_variably_dimensioned,
    "trigonometric": _build_trigonometric,
    "broyden-tridiagonal": _build_broyden_tridiagonal,
    "broyden-banded": _build_broyden_banded,
    "discrete-boundary-value": _build_discrete_bv,
    "chebyquad": _build_chebyquad,
}


def get_problem(name, n=None):
    """Return the MGH problem ``name`` (optionally with dimension ``n``).

    Parameters
    ----------
    name : str
        One of ``MGH_PROBLEMS`` (e.g. ``"rosenbrock"``, ``"watson"``).
    n : int, optional
        Dimension for the variable-dimension problems.

    Returns
    -------
    Problem

    Examples
    --------
    >>> from osculate.testing.problems import get_problem
    >>> p = get_problem("extended-rosenbrock", n=4)
    >>> p.n, p.m, p.x0.tolist()
    (4, 4, [-1.2, 1.0, -1.2, 1.0])
    """
    try:
        build = MGH_PROBLEMS[name]
    except KeyError:
        raise ValueError(f"unknown problem {name!r}; valid names: "
                         f"{', '.join(MGH_PROBLEMS)}") from None
    if n is None:
        return build()
    try:
        return build(n)
    except TypeError:
        raise ValueError(f"problem {name!r} has fixed dimension") from None


def mgh_problems():
    """All MGH problems at their default dimensions, in paper order.

    >>> from osculate.testing.problems import mgh_problems
    >>> len(mgh_problems())
    28
    """
    return [build() for build in MGH_PROBLEMS.values()]
