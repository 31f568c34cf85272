"""SciPy's Legendre and spherical-harmonic functions of the newer API
(``legendre_p``, ``assoc_legendre_p``, ``sph_legendre_p``, ``sph_harm_y`` and
their ``_all`` forms) on traced arguments, with SciPy's signatures and shapes.

Everything is written with one differentiable primitive, Gegenbauer's
polynomial: for ``0 ≤ m ≤ n``

    P_n^m(z) = (-1)^m (1 - z²)^(m/2) (2m - 1)!! C^(m+1/2)_(n-m)(z)

(so ``P_n = C^(1/2)_n``), and ``P_n^(-m) = (-1)^m (n-m)!/(n+m)! P_n^m``;
``|m| > n`` gives 0.  The spherical forms use ``z = cos θ`` with
``(1 - z²)^(m/2) = |sin θ|^m``, differentiated at the poles from inside
``[0, π]`` as SciPy's are.  The derivatives SciPy returns with ``diff_n = 1, 2`` (in ``z``, or
in ``θ``) are computed by forward mode on the same expression, so they and
every derivative of them are exact.  Orders ``n`` and ``m`` are integers
(constants); ``branch_cut=3`` (``|z| > 1``) is not supported.
"""

from __future__ import annotations

import math

import numpy as np

from .. import numpy as _onp
from ..core import Tracer
from ..forward import jvp
from ..prims.special_poly import POLY_FUNCTIONS

__all__ = ["legendre_p", "legendre_p_all", "assoc_legendre_p", "assoc_legendre_p_all", "sph_legendre_p",
           "sph_legendre_p_all", "sph_harm_y", "sph_harm_y_all"]

_gegenbauer = POLY_FUNCTIONS["eval_gegenbauer"]


def _order(k, name, what):
    """``k`` as a Python int (an order: a constant), or a clear error."""
    number = isinstance(k, (int, float, np.integer, np.floating)) or (type(k) is np.ndarray and k.ndim == 0
                                                                      and k.dtype.kind in "iuf")
    if not number or float(k) != int(k):
        raise TypeError(f"osculate.scipy.special.{name}: {what} must be an integer (a constant), got {k!r}")
    return int(k)


def _degree(n, name):
    """The degree ``n``: an integer constant, at least 0 (SciPy's values for a negative one follow no
    convention osculate could differentiate: refused)."""
    n = _order(n, name, "n")
    if n < 0:
        raise ValueError(f"osculate.scipy.special.{name}: the degree n must be >= 0, got {n}")
    return n


def _diff_n(diff_n, name):
    diff_n = _order(diff_n, name, "diff_n")
    if not 0 <= diff_n <= 2:
        raise ValueError(f"osculate.scipy.special.{name}: diff_n must be 0, 1 or 2 (as SciPy's), got {diff_n}")
    return diff_n


def _as_float(x):
    return x if isinstance(x, Tracer) else np.asarray(x, dtype=float)


def _double_factorial_odd(m):
    """``(2m - 1)!!``."""
    return float(math.prod(range(1, 2 * m, 2)))


def _p_nm(n, m, s, z):
    """``P_n^m`` at ``z`` with ``s = (1 - z²)^(1/2)`` given (``sin θ`` for the spherical forms)."""
    a = abs(m)
    if a > n:
        return 0.0 * z
    out = (-1.0) ** a * _double_factorial_odd(a) * _gegenbauer(n - a, a + 0.5, z)
    if a:
        out = out * s ** a
    if m < 0:
        out = out * ((-1.0) ** a * math.factorial(n - a) / math.factorial(n + a))
    return out


def _norm(n, m, surface):
    """``√((2n + 1) (n - m)! / (surface (n + m)!))``: 2 for ``norm=True``, 4π for the spherical forms."""
    if abs(m) > n:
        return 0.0
    return math.sqrt((2 * n + 1) * math.factorial(n - m) / (surface * math.factorial(n + m)))


def _with_derivatives(f, x, diff_n):
    """``[f(x), f'(x), f''(x)][: diff_n + 1]`` stacked on a new first axis (``f`` elementwise)."""
    x = _as_float(x)
    values = [f(x)]
    if diff_n:
        def d1(y):
            return jvp(f, (y,), (_onp.ones_like(y),))[1]

        values.append(d1(x))
        if diff_n == 2:
            values.append(jvp(d1, (x,), (_onp.ones_like(x),))[1])
    shape = np.broadcast_shapes(*[np.shape(v) for v in values])
    return _onp.stack([_onp.broadcast_to(v, shape) for v in values])


def _m_indices(m):
    """The orders of an ``_all`` result's ``m`` axis: ``0..m`` then ``-m..-1`` (SciPy's)."""
    m = abs(m)
    return list(range(m + 1)) + list(range(-m, 0))


def legendre_p(n, z, *, diff_n=0):
    """The Legendre polynomial ``P_n(z)`` and, with ``diff_n = 1, 2``, its
    derivatives in ``z``, stacked on a first axis of length ``diff_n + 1``, as
    :func:`scipy.special.legendre_p`.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.special import legendre_p
    >>> legendre_p(2, np.array([0.5]), diff_n=2)  # (3z² - 1)/2, 3z, 3
    array([[-0.125],
           [ 1.5  ],
           [ 3.   ]])
    """
    n = _degree(n, "legendre_p")
    return _with_derivatives(lambda z: _gegenbauer(n, 0.5, z), z, _diff_n(diff_n, "legendre_p"))


def legendre_p_all(n, z, *, diff_n=0):
    """``legendre_p(j, z)`` for ``j = 0..n``: shape ``(diff_n + 1, n + 1, ...)``, as
    :func:`scipy.special.legendre_p_all`.

    >>> import numpy as np
    >>> from osculate.scipy.special import legendre_p_all
    >>> legendre_p_all(2, 0.5)
    array([[ 1.   ,  0.5  , -0.125]])
    """
    n = _degree(n, "legendre_p_all")
    d = _diff_n(diff_n, "legendre_p_all")
    return _onp.stack([legendre_p(j, z, diff_n=d) for j in range(n + 1)], axis=1)


def _root(z):
    """``√(1 - z²)``, nan for ``|z| > 1`` (SciPy's ``branch_cut=2``) without a warning."""
    w = 1.0 - z * z
    return _onp.sqrt(_onp.where(w >= 0.0, w, np.nan))


def _assoc(n, m, norm):
    scale = _norm(n, m, 2.0) if norm else 1.0
    return lambda z: scale * _p_nm(n, m, _root(z), z)


def _branch(branch_cut, name):
    if branch_cut != 2:
        raise NotImplementedError(f"osculate.scipy.special.{name}: branch_cut={branch_cut!r} (|z| > 1) is not "
                                  "supported; use branch_cut=2 (the default: |z| <= 1, nan outside)")


def assoc_legendre_p(n, m, z, *, branch_cut=2, norm=False, diff_n=0):
    """The associated Legendre function ``P_n^m(z)`` (with the Condon–Shortley
    phase; ``norm=True`` multiplies by ``√((2n+1)/2 (n-m)!/(n+m)!)``) and its
    ``z``-derivatives, shape ``(diff_n + 1, ...)``, as
    :func:`scipy.special.assoc_legendre_p` (``|z| ≤ 1``: nan outside, as
    SciPy's ``branch_cut=2``).

    >>> import numpy as np
    >>> from osculate.scipy.special import assoc_legendre_p
    >>> np.round(assoc_legendre_p(1, 1, 0.6), 12)  # -√(1 - z²)
    array([-0.8])
    """
    n, m = _degree(n, "assoc_legendre_p"), _order(m, "assoc_legendre_p", "m")
    _branch(branch_cut, "assoc_legendre_p")
    return _with_derivatives(_assoc(n, m, norm), z, _diff_n(diff_n, "assoc_legendre_p"))


def assoc_legendre_p_all(n, m, z, *, branch_cut=2, norm=False, diff_n=0):
    """``assoc_legendre_p(j, k, z)`` for ``j = 0..n`` and ``k = 0..|m|, -|m|..-1``:
    shape ``(diff_n + 1, n + 1, 2|m| + 1, ...)``, as :func:`scipy.special.assoc_legendre_p_all`.

    >>> from osculate.scipy.special import assoc_legendre_p_all
    >>> assoc_legendre_p_all(1, 1, 0.0)
    array([[[ 1. ,  0. ,  0. ],
            [ 0. , -1. ,  0.5]]])
    """
    n, m = _degree(n, "assoc_legendre_p_all"), _order(m, "assoc_legendre_p_all", "m")
    _branch(branch_cut, "assoc_legendre_p_all")
    d = _diff_n(diff_n, "assoc_legendre_p_all")
    rows = [_onp.stack([_with_derivatives(_assoc(j, k, norm), z, d) for k in _m_indices(m)],
                       axis=1) for j in range(n + 1)]
    return _onp.stack(rows, axis=1)


def _sin_abs(theta):
    """``|sin θ|``, differentiated as ``sin θ`` where it is 0 (the one-sided derivative
    from inside ``[0, π]``, as SciPy's at the poles)."""
    s = _onp.sin(theta)
    return _onp.where(s < 0.0, -s, s)


def _spherical(n, m):
    scale = _norm(n, m, 4.0 * math.pi)
    return lambda theta: scale * _p_nm(n, m, _sin_abs(theta), _onp.cos(theta))


def sph_legendre_p(n, m, theta, *, diff_n=0):
    """The spherical Legendre function ``√((2n+1)/(4π) (n-m)!/(n+m)!) P_n^m(cos θ)``
    and its ``θ``-derivatives, shape ``(diff_n + 1, ...)``, as
    :func:`scipy.special.sph_legendre_p` (at the poles, the derivative from inside ``[0, π]``).

    >>> import numpy as np
    >>> from osculate.scipy.special import sph_legendre_p
    >>> np.round(sph_legendre_p(1, 0, 0.0) ** 2 * 4 * np.pi / 3, 12)
    array([1.])
    """
    n, m = _degree(n, "sph_legendre_p"), _order(m, "sph_legendre_p", "m")
    return _with_derivatives(_spherical(n, m), theta, _diff_n(diff_n, "sph_legendre_p"))


def sph_legendre_p_all(n, m, theta, *, diff_n=0):
    """``sph_legendre_p(j, k, θ)`` for ``j = 0..n``, ``k = 0..|m|, -|m|..-1``: shape
    ``(diff_n + 1, n + 1, 2|m| + 1, ...)``, as :func:`scipy.special.sph_legendre_p_all`.

    >>> from osculate.scipy.special import sph_legendre_p_all
    >>> sph_legendre_p_all(2, 1, 0.3).shape
    (1, 3, 3)
    """
    n, m = _degree(n, "sph_legendre_p_all"), _order(m, "sph_legendre_p_all", "m")
    d = _diff_n(diff_n, "sph_legendre_p_all")
    rows = [_onp.stack([_with_derivatives(_spherical(j, k), theta, d) for k in _m_indices(m)], axis=1)
            for j in range(n + 1)]
    return _onp.stack(rows, axis=1)


def _harmonic(n, m, theta, phi, diff_n):
    """``Y``, and for ``diff_n ≥ 1`` its gradient in ``(θ, φ)`` (last axis) and Hessian."""
    s = sph_legendre_p(n, m, theta, diff_n=diff_n)
    phase = _onp.exp(1j * m * _as_float(phi))
    y = s[0] * phase
    if not diff_n:
        return y
    jac = _onp.stack([s[1] * phase, 1j * m * y], axis=-1)
    if diff_n == 1:
        return y, jac
    cross = 1j * m * s[1] * phase
    hess = _onp.stack([_onp.stack([s[2] * phase, cross], axis=-1), _onp.stack([cross, -(m * m) * y], axis=-1)],
                      axis=-1)
    return y, jac, hess


def sph_harm_y(n, m, theta, phi, *, diff_n=0):
    """The spherical harmonic ``Y_n^m(θ, φ) = sph_legendre_p(n, m, θ) e^(imφ)`` (complex),
    as :func:`scipy.special.sph_harm_y`; with ``diff_n = 1, 2`` also its gradient
    in ``(θ, φ)`` and Hessian (SciPy's tuple).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.special import sph_harm_y
    >>> complex(np.round(sph_harm_y(0, 0, 0.3, 1.0), 12))  # 1 / √(4π)
    (0.282094791774+0j)
    """
    n, m = _degree(n, "sph_harm_y"), _order(m, "sph_harm_y", "m")
    return _harmonic(n, m, theta, phi, _diff_n(diff_n, "sph_harm_y"))


def sph_harm_y_all(n, m, theta, phi, *, diff_n=0):
    """``sph_harm_y(j, k, θ, φ)`` for ``j = 0..n``, ``k = 0..|m|, -|m|..-1``: shape
    ``(n + 1, 2|m| + 1, ...)`` (and the derivatives' tuple with ``diff_n``), as
    :func:`scipy.special.sph_harm_y_all`.

    >>> from osculate.scipy.special import sph_harm_y_all
    >>> sph_harm_y_all(2, 1, 0.3, 0.2).shape
    (3, 3)
    """
    n, m = _degree(n, "sph_harm_y_all"), _order(m, "sph_harm_y_all", "m")
    d = _diff_n(diff_n, "sph_harm_y_all")
    parts = [[_harmonic(j, k, theta, phi, d) for k in _m_indices(m)] for j in range(n + 1)]
    if not d:
        return _onp.stack([_onp.stack(row) for row in parts])
    return tuple(_onp.stack([_onp.stack([p[i] for p in row]) for row in parts]) for i in range(d + 1))
