"""Bivariate splines on traced values: :class:`RectBivariateSpline`, re-exported
by :mod:`osculate.ad.scipy.interpolate`.

FITPACK chooses the knots; for the interpolating spline (``s=0``, SciPy's
default) they depend on the grid ``x``, ``y`` only, and the coefficients are
then the solution of the tensor-product collocation system
``Bx C By^T = Z``: linear in ``z``.  Here the knots are SciPy's (computed on
the plain grid) and the system is solved with ``np.linalg.solve``, so the
spline is differentiable in ``z`` and in the evaluation points, to any order.
The B-spline basis is evaluated by the Cox-de Boor recursion with osculate's
operations; points outside the knots' range are clipped to it, as FITPACK's
evaluation does.
"""

from __future__ import annotations

import numpy as _np
from scipy import interpolate as _scipy_interpolate

from ..core import Tracer as _Tracer, concrete_or_none as _known
from ..numpy import asarray as _asarray

__all__ = ["RectBivariateSpline"]




def _safe_div(num, den):
    """``num / den``, 0 where ``den`` is 0 (repeated knots: the basis function vanishes)."""
    zero = den == 0.0
    return _np.where(zero, 0.0, num / _np.where(zero, 1.0, den))


def _basis(t, k, xs, nu=0):
    """``(m, len(t) - k - 1)``: the B-splines of degree ``k`` on the constant
    knots ``t`` (or their ``nu``-th derivatives) at the points ``xs``, clipped
    to ``[t[k], t[n]]``; the span is chosen by comparisons (no derivative)."""
    nt = t.shape[0]
    n = nt - k - 1
    m = _np.shape(xs)[0]
    xs = _np.clip(xs, t[k], t[n])
    inner = t[k + 1:n]
    xe = _np.expand_dims(xs, 1)
    ge = _np.where(xe >= inner, 1.0, 0.0)  # (m, n - k - 1)
    ones = _np.ones((m, 1))
    onehot = _np.concatenate([ones, ge], axis=1) * _np.concatenate([1.0 - ge, ones], axis=1)
    B = _np.concatenate([_np.zeros((m, k)), onehot, _np.zeros((m, nt - 1 - n))], axis=1)
    for p in range(1, k - nu + 1):
        w = _safe_div(xe - t[:nt - p], t[p:] - t[:nt - p])
        B = w[:, :-1] * B[:, :-1] + (1.0 - w[:, 1:]) * B[:, 1:]
    for p in range(k - nu + 1, k + 1):
        inv = _safe_div(1.0, t[p:] - t[:nt - p])
        B = p * (inv[:-1] * B[:, :-1] - inv[1:] * B[:, 1:])
    return B


class RectBivariateSpline:
    """The bivariate spline on a rectangular grid, as
    :class:`scipy.interpolate.RectBivariateSpline` (``bbox``, ``kx``, ``ky``;
    ``s=0``, the interpolating spline): evaluation with ``dx``/``dy`` on a grid
    or at points (``ev``), ``get_knots``, ``get_coeffs``, ``partial_derivative``.
    The coefficients solve the collocation system on SciPy's knots with
    ``np.linalg.solve``: differentiable in ``z`` and in the evaluation points.
    A smoothing fit (``s > 0``) of traced ``z`` is refused: its knots and
    weights come from FITPACK's iteration, not from a linear system.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import RectBivariateSpline
    >>> x = np.linspace(0.0, 1.0, 6); y = np.linspace(0.0, 2.0, 7)
    >>> z = np.add.outer(x ** 2, y)
    >>> f = lambda z, a: RectBivariateSpline(x, y, z).ev(a, 0.5)
    >>> round(float(f(z, 0.3)), 12), round(float(osc.grad(f, argnums=1)(z, 0.3)), 12)
    (0.59, 0.6)
    """

    def __init__(self, x, y, z, bbox=[None] * 4, kx=3, ky=3, s=0):  # noqa: B006 (SciPy's default)
        xv, yv = _known(x), _known(y)
        if isinstance(x, _Tracer) or isinstance(y, _Tracer) or xv is None or yv is None:
            raise ValueError("RectBivariateSpline: the grid x, y must be constants (the knots are FITPACK's, "
                             "chosen from them); z and the evaluation points may be traced")
        z = _asarray(z)
        zv = _known(z)
        traced = isinstance(z, _Tracer)
        if traced and s != 0:
            raise ValueError("RectBivariateSpline: a smoothing fit (s > 0) of traced z is not available (FITPACK "
                             "chooses its knots and weight by iteration); use s=0, or fit a "
                             "RegularGridInterpolator / RBFInterpolator(..., smoothing=...)")
        plain = _scipy_interpolate.RectBivariateSpline(xv, yv, zv if zv is not None else _np.zeros(_np.shape(z)),
                                                       bbox=bbox, kx=kx, ky=ky, s=s)
        self.tx, self.ty = plain.tck[0], plain.tck[1]
        self.kx, self.ky = int(kx), int(ky)
        self.degrees = (self.kx, self.ky)
        if not traced:
            self.c = _np.asarray(plain.tck[2], dtype=float)
            self._C = _np.reshape(self.c, (self.tx.shape[0] - kx - 1, self.ty.shape[0] - ky - 1))
            self._fp = plain.get_residual()
            return
        Bx = _basis(self.tx, self.kx, _np.asarray(xv, dtype=float))
        By = _basis(self.ty, self.ky, _np.asarray(yv, dtype=float))
        half = _np.linalg.solve(Bx, z)  # (nx, my)
        self._C = _np.transpose(_np.linalg.solve(By, _np.transpose(half)))
        self.c = _np.reshape(self._C, (-1,))
        self._fp = 0.0

    @property
    def tck(self):
        return self.tx, self.ty, self.c

    def get_knots(self):
        return self.tx, self.ty

    def get_coeffs(self):
        return self.c

    def get_residual(self):
        return self._fp

    def _grid(self, x, y, dx, dy):
        x, y = _asarray(x), _asarray(y)
        Bx = _basis(self.tx, self.kx, _np.reshape(x + 0.0, (-1,)), dx)
        By = _basis(self.ty, self.ky, _np.reshape(y + 0.0, (-1,)), dy)
        return _np.matmul(_np.matmul(Bx, self._C), _np.transpose(By))

    def _check(self, dx, dy):
        if not 0 <= dx < self.kx + 1 or not 0 <= dy < self.ky + 1:
            raise ValueError(f"RectBivariateSpline: order of derivative must be 0 <= dx < {self.kx + 1} and "
                             f"0 <= dy < {self.ky + 1}, got dx={dx}, dy={dy}")

    def __call__(self, x, y, dx=0, dy=0, grid=True):
        self._check(dx, dy)
        if grid:
            xv, yv = _known(x), _known(y)
            for v, name in ((xv, "x"), (yv, "y")):
                if v is not None and v.size > 1 and _np.any(_np.diff(_np.reshape(v, (-1,))) < 0):
                    raise ValueError(f"{name} must be strictly increasing when `grid` is True")
            return self._grid(x, y, dx, dy)
        return self.ev(x, y, dx, dy)

    def ev(self, xi, yi, dx=0, dy=0):
        self._check(dx, dy)
        xi, yi = _asarray(xi) + 0.0, _asarray(yi) + 0.0
        shape = _np.broadcast_shapes(_np.shape(xi), _np.shape(yi))
        xs = _np.reshape(_np.broadcast_to(xi, shape), (-1,))
        ys = _np.reshape(_np.broadcast_to(yi, shape), (-1,))
        Bx = _basis(self.tx, self.kx, xs, dx)
        By = _basis(self.ty, self.ky, ys, dy)
        return _np.reshape(_np.sum(_np.matmul(Bx, self._C) * By, axis=1), shape)

    def partial_derivative(self, dx, dy):
        """The spline's derivative of orders ``dx``, ``dy`` as a callable ``(x, y, grid=True)``."""
        self._check(dx, dy)
        return lambda x, y, grid=True: self(x, y, dx=dx, dy=dy, grid=grid)
