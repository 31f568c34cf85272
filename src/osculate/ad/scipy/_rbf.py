"""Radial basis function interpolation on traced values: :class:`RBFInterpolator`
and the legacy :class:`Rbf`, re-exported by :mod:`osculate.ad.scipy.interpolate`.

Both interpolants are ``sum_j c_j phi(|x - y_j|)`` (plus, for
``RBFInterpolator``, a polynomial), with the coefficients solving SciPy's
linear system.  Here that system is assembled with osculate's NumPy
operations and solved by ``np.linalg.solve`` on the traced matrix, so the
interpolant is differentiable to every order in the data values, the data
points, the evaluation points, the smoothing and the shape parameter.

The kernels are written as functions of the squared distance where they can
be: ``sqrt`` is not differentiable at 0, and the diagonal of the kernel
matrix (a point against itself) is exactly there.  The odd powers of ``r``
(``linear``, ``cubic``, ``quintic``, ``thin_plate_spline``) take ``r`` from
``sqrt(r2)`` evaluated only where ``r2 > 0``; at a coincident pair the
derivative is then that of the smooth branch through 0 (0 for the distance
itself), not NaN.
"""

from __future__ import annotations

import itertools as _itertools
import warnings as _warnings

import numpy as _np
from scipy.spatial import KDTree as _KDTree

from ..core import Tracer as _Tracer, concrete_or_none as _known
from ._scattered import _float
from .spatial import distance as _distance

__all__ = ["RBFInterpolator", "Rbf"]





def _sqdist(a, b):
    """``(m, n)`` squared euclidean distances between the rows of ``a`` and of ``b``."""
    diff = _np.expand_dims(a, 1) - _np.expand_dims(b, 0)
    return _np.sum(diff * diff, axis=-1)


def _root(r2):
    """``sqrt(r2)`` with a finite derivative where ``r2 == 0`` (that of ``|t|`` at 0 taken as 0)."""
    pos = r2 > 0.0
    return _np.where(pos, _np.sqrt(_np.where(pos, r2, 1.0)), 0.0)


def _log_root(r2):
    """``r2 * log(r) = r2 * log(r2) / 2``, 0 at ``r2 == 0`` (its limit), smooth there."""
    pos = r2 > 0.0
    return _np.where(pos, 0.5 * r2 * _np.log(_np.where(pos, r2, 1.0)), 0.0)


#: SciPy's kernels as functions of the squared (epsilon-scaled) distance.
_KERNELS = {
    "linear": lambda r2: -_root(r2),
    "thin_plate_spline": _log_root,
    "cubic": lambda r2: r2 * _root(r2),
    "quintic": lambda r2: -(r2 * r2) * _root(r2),
    "multiquadric": lambda r2: -_np.sqrt(r2 + 1.0),
    "inverse_multiquadric": lambda r2: 1.0 / _np.sqrt(r2 + 1.0),
    "inverse_quadratic": lambda r2: 1.0 / (r2 + 1.0),
    "gaussian": lambda r2: _np.exp(-r2),
}
_SCALE_INVARIANT = ("linear", "thin_plate_spline", "cubic", "quintic")
_MIN_DEGREE = {"multiquadric": 0, "linear": 0, "thin_plate_spline": 1, "cubic": 1, "quintic": 2}


def _monomial_powers(ndim, degree):
    """The exponents of the monomials of degree <= ``degree`` in ``ndim`` variables, in SciPy's order."""
    out = []
    for deg in range(degree + 1):
        for mono in _itertools.combinations_with_replacement(range(ndim), deg):
            row = [0] * ndim
            for var in mono:
                row[var] += 1
            out.append(row)
    return _np.asarray(out, dtype=int).reshape(len(out), ndim)


def _monomials(xhat, powers):
    """``(m, R)``: each monomial of ``powers`` at the rows of ``xhat`` (integer powers by products)."""
    m = _np.shape(xhat)[0]
    cols = []
    for row in powers:
        col = _np.ones((m,)) + 0.0 * xhat[:, 0]
        for j, p in enumerate(row):
            for _ in range(int(p)):
                col = col * xhat[:, j]
        cols.append(col)
    if not cols:
        return _np.zeros((m, 0))
    return _np.stack(cols, axis=1)


class RBFInterpolator:
    """Radial basis function interpolation in N dimensions, as
    :class:`scipy.interpolate.RBFInterpolator` (every kernel, ``epsilon``,
    ``smoothing`` scalar or per point, ``degree``, ``neighbors``).

    The system ``[[K + diag(smoothing), P], [P^T, 0]] [c; b] = [d; 0]`` is
    built with osculate's operations and solved with ``np.linalg.solve``, so
    the interpolant is differentiable in ``d``, ``y``, ``smoothing``,
    ``epsilon`` and the evaluation points.  With ``neighbors``, the nearest
    data points of each evaluation point are found by SciPy's ``KDTree`` on
    the plain values (a piecewise-constant choice, no derivative) and one
    small system per point is solved, as SciPy does.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import RBFInterpolator
    >>> y = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.3]])
    >>> d = y[:, 0] + 2 * y[:, 1]
    >>> f = lambda d, x: RBFInterpolator(y, d)(x)
    >>> [round(float(v), 12) for v in f(d, np.array([[0.2, 0.7]]))]  # the linear part is exact
    [1.6]
    >>> [round(float(v), 12) for v in osc.grad(lambda x: f(d, x).sum())(np.array([[0.2, 0.7]]))[0]]
    [1.0, 2.0]
    """

    def __init__(self, y, d, neighbors=None, smoothing=0.0, kernel="thin_plate_spline", epsilon=None, degree=None):
        y = _float(y)
        if _np.ndim(y) != 2:
            raise ValueError("RBFInterpolator: `y` must be a 2-dimensional array.")
        if _np.iscomplexobj(y):
            raise ValueError("RBFInterpolator: `y` must be real")
        ny, ndim = _np.shape(y)
        d = _float(d)
        if _np.ndim(d) < 1 or _np.shape(d)[0] != ny:
            raise ValueError(f"RBFInterpolator: Expected the first axis of `d` to have length {ny}.")
        self.d_shape = tuple(_np.shape(d)[1:])
        self.d_dtype = complex if _np.iscomplexobj(d) else float
        d = _np.reshape(d, (ny, -1))
        if _np.iscomplexobj(d):  # real and imaginary parts as columns, as SciPy's float view
            d = _np.reshape(_np.stack([_np.real(d), _np.imag(d)], axis=-1), (ny, -1))
        smoothing = _float(smoothing)
        if _np.ndim(smoothing) == 0:
            smoothing = _np.zeros((ny,)) + smoothing
        elif _np.shape(smoothing) != (ny,):
            raise ValueError(f"RBFInterpolator: Expected `smoothing` to be a scalar or have shape ({ny},).")
        if not isinstance(kernel, str) or kernel.lower() not in _KERNELS:
            raise ValueError(f"RBFInterpolator: `kernel` must be one of {set(_KERNELS)}, got {kernel!r}.")
        kernel = kernel.lower()
        if epsilon is None:
            if kernel not in _SCALE_INVARIANT:
                raise ValueError("RBFInterpolator: `epsilon` must be specified if `kernel` is not one of "
                                 f"{set(_SCALE_INVARIANT)}.")
            epsilon = 1.0
        elif not isinstance(epsilon, _Tracer):
            epsilon = float(epsilon)
        min_degree = _MIN_DEGREE.get(kernel, -1)
        if degree is None:
            degree = max(min_degree, 0)
        else:
            degree = int(degree)
            if degree < -1:
                raise ValueError("RBFInterpolator: `degree` must be at least -1.")
            if -1 < degree < min_degree:
                _warnings.warn(f"`degree` should not be below {min_degree} except -1 when `kernel` is '{kernel}'."
                               "The interpolant may not be uniquely solvable, and the smoothing parameter may "
                               "have an unintuitive effect.", UserWarning, stacklevel=2)
        nobs = ny if neighbors is None else int(min(neighbors, ny))
        powers = _monomial_powers(ndim, degree)
        if powers.shape[0] > nobs:
            raise ValueError(f"RBFInterpolator: At least {powers.shape[0]} data points are required when "
                             f"`degree` is {degree} and the number of dimensions is {ndim}.")
        self.y, self.d, self.smoothing, self.kernel = y, d, smoothing, kernel
        self.epsilon, self.powers = epsilon, powers
        self.neighbors = None if neighbors is None else nobs
        if neighbors is None:
            self._shift, self._scale, self._coeffs = self._solve(y, d, smoothing)
        else:
            yv = _known(y)
            if yv is None:
                raise ValueError("RBFInterpolator: neighbors= needs the data points' values (the nearest "
                                 "neighbours are chosen from them); under jit, pass y as a constant")
            self._tree = _KDTree(yv)

    def _solve(self, y, d, smoothing):
        """SciPy's shift and scale of the polynomial's domain and the coefficients ``(P + R, S)``."""
        mins, maxs = _np.min(y, axis=-2), _np.max(y, axis=-2)
        shift = (maxs + mins) / 2.0
        scale = (maxs - mins) / 2.0
        scale = _np.where(scale == 0.0, 1.0, scale)
        yeps = y * self.epsilon
        K = _KERNELS[self.kernel](_sqdist(yeps, yeps))
        P = _monomials((y - shift) / scale, self.powers)
        r, p = self.powers.shape[0], _np.shape(y)[0]
        lhs = _np.concatenate([_np.concatenate([K + smoothing * _np.eye(p), P], axis=1),
                               _np.concatenate([_np.transpose(P), _np.zeros((r, r))], axis=1)], axis=0)
        rhs = _np.concatenate([d, _np.zeros((r, _np.shape(d)[1]))], axis=0)
        return shift, scale, _np.linalg.solve(lhs, rhs)

    def _vector(self, x, y, shift, scale):
        eps = self.epsilon
        return _np.concatenate([_KERNELS[self.kernel](_sqdist(x * eps, y * eps)),
                                _monomials((x - shift) / scale, self.powers)], axis=1)

    def __call__(self, x):
        x = _float(x)
        if _np.ndim(x) != 2:
            raise ValueError("RBFInterpolator: `x` must be a 2-dimensional array.")
        if _np.shape(x)[1] != _np.shape(self.y)[1]:
            raise ValueError(f"RBFInterpolator: Expected the second axis of `x` to have length "
                             f"{_np.shape(self.y)[1]}.")
        if self.neighbors is None:
            out = _np.matmul(self._vector(x, self.y, self._shift, self._scale), self._coeffs)
        else:
            out = self._local(x)
        if self.d_dtype is complex:
            out = _np.reshape(out, (_np.shape(out)[0], -1, 2))
            out = out[..., 0] + 1j * out[..., 1]
        return _np.reshape(out, (_np.shape(x)[0],) + self.d_shape)

    def _local(self, x):
        """Each point's interpolant from its ``neighbors`` nearest data points (a system per point)."""
        xv = _known(x)
        if xv is None:
            raise ValueError("RBFInterpolator: neighbors= needs the evaluation points' values (the nearest "
                             "neighbours are chosen from them); it does not run under jit or vmap")
        _, idx = self._tree.query(xv, self.neighbors)
        idx = _np.reshape(idx, (xv.shape[0], -1))
        rows = []
        for i in range(xv.shape[0]):
            sel = _np.sort(idx[i])
            ys = _np.take(self.y, sel, axis=0)
            shift, scale, coeffs = self._solve(ys, _np.take(self.d, sel, axis=0), _np.take(self.smoothing, sel))
            rows.append(_np.matmul(self._vector(x[i:i + 1], ys, shift, scale), coeffs)[0])
        if not rows:
            return _np.zeros((0, _np.shape(self.d)[1]))
        return _np.stack(rows)


# --------------------------------------------------------------------------- legacy Rbf


_LEGACY_NAMES = {"inverse": "inverse_multiquadric", "inverse multiquadric": "inverse_multiquadric",
                 "thin-plate": "thin_plate"}


def _legacy_kernel(name, eps):
    """The legacy ``Rbf`` basis functions of the distance, as functions of its square."""
    table = {
        "multiquadric": lambda r2: _np.sqrt(r2 / (eps * eps) + 1.0),
        "inverse_multiquadric": lambda r2: 1.0 / _np.sqrt(r2 / (eps * eps) + 1.0),
        "gaussian": lambda r2: _np.exp(-(r2 / (eps * eps))),
        "linear": _root,
        "cubic": lambda r2: r2 * _root(r2),
        "quintic": lambda r2: (r2 * r2) * _root(r2),
        "thin_plate": _log_root,
    }
    return table.get(name)


class Rbf:
    """The legacy radial basis function interpolator, as
    :class:`scipy.interpolate.Rbf` (``function`` a name or a callable of
    ``r`` or ``(self, r)``, ``epsilon`` defaulting to SciPy's average node
    spacing, ``smooth``, ``norm``, ``mode``): the nodes solve
    ``(Phi(r) - smooth I) nodes = d`` with ``np.linalg.solve``, so the
    interpolant is differentiable in the data, the coordinates, ``epsilon``
    and ``smooth``.  With the default euclidean norm the named functions are
    computed from the squared distance (smooth where two points coincide);
    any other ``norm`` goes through :func:`osculate.scipy.spatial.distance.cdist`.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import Rbf
    >>> x = np.array([0.0, 1.0, 2.0, 3.0]); d = np.array([0.0, 1.0, 0.0, 1.0])
    >>> [round(float(v), 12) for v in Rbf(x, d)(x)]
    [0.0, 1.0, 0.0, 1.0]
    """

    def __init__(self, *args, **kwargs):
        if len(args) < 2:
            raise ValueError("Rbf: give the coordinate arrays and then the data values")
        self.xi = _np.stack([_np.reshape(_float(a), (-1,)) for a in args[:-1]])
        self.N = _np.shape(self.xi)[-1]
        self.mode = kwargs.pop("mode", "1-D")
        if self.mode == "1-D":
            self.di = _np.reshape(_float(args[-1]), (-1,))
            self._target_dim = 1
        elif self.mode == "N-D":
            self.di = _float(args[-1])
            self._target_dim = _np.shape(self.di)[-1]
        else:
            raise ValueError("Mode has to be 1-D or N-D.")
        if _np.shape(self.di)[0] != self.N:
            raise ValueError("All arrays must be equal length.")
        self.norm = kwargs.pop("norm", "euclidean")
        self.epsilon = kwargs.pop("epsilon", None)
        if self.epsilon is None:
            edges = _np.max(self.xi, axis=1) - _np.min(self.xi, axis=1)
            ev = _known(edges)
            if ev is None:
                raise ValueError("Rbf: the default epsilon needs the coordinates' values; give epsilon under jit")
            edges = _np.take(edges, _np.nonzero(ev)[0])
            self.epsilon = _np.power(_np.prod(edges) / self.N, 1.0 / ev[ev != 0].size)
        self.smooth = kwargs.pop("smooth", 0.0)
        self.function = kwargs.pop("function", "multiquadric")
        for item, value in kwargs.items():
            setattr(self, item, value)
        self._function = self._resolve()
        A = self._phi(self.xi, self.xi)
        if _np.shape(A) != (self.N, self.N):
            raise ValueError("Callable must take array and return array of the same shape")
        self.nodes = _np.linalg.solve(A - _np.eye(self.N) * self.smooth, self.di)

    def _resolve(self):
        """The basis function: ``('r2', f)`` for a named one with the euclidean
        norm (a function of the squared distance), else ``('r', f)``."""
        fn = self.function
        if isinstance(fn, str):
            name = _LEGACY_NAMES.get(fn.lower(), fn.lower())
            self.function = name
            f = _legacy_kernel(name, self.epsilon)
            if f is None:
                raise ValueError("function must be a callable or one of cubic, gaussian, inverse_multiquadric, "
                                 "linear, multiquadric, quintic, thin_plate")
            if isinstance(self.norm, str) and self.norm == "euclidean":
                return "r2", f
            return "r", lambda r: f(r * r)
        if callable(fn):
            code = getattr(fn, "__code__", None)
            if code is not None and code.co_argcount == 1:
                return "r", fn
            target = fn if code is not None else getattr(type(fn).__call__, "__func__", type(fn).__call__)
            if target.__code__.co_argcount == 2:
                if code is not None:
                    return "r", lambda r: fn(self, r)
                return "r", lambda r: target(fn, self, r)
            raise ValueError("Function argument must take 1 or 2 arguments.")
        raise ValueError("function must be a callable or a name")

    def _phi(self, a, b):
        """The basis function of the distances between the columns of ``a`` and of ``b``."""
        kind, f = self._function
        at, bt = _np.transpose(a), _np.transpose(b)
        if kind == "r2":
            return f(_sqdist(at, bt))
        if isinstance(self.norm, str) and self.norm == "euclidean":
            r = _root(_sqdist(at, bt))
        else:
            r = _distance.cdist(at, bt, self.norm)
        return f(r)

    @property
    def A(self):  # noqa: N802 (SciPy's name)
        return self._phi(self.xi, self.xi) - _np.eye(self.N) * self.smooth

    def __call__(self, *args):
        args = [_float(a) for a in args]
        if any(_np.shape(a) != _np.shape(args[0]) for a in args):
            raise ValueError("Array lengths must be equal")
        shp = tuple(_np.shape(args[0])) + ((self._target_dim,) if self._target_dim > 1 else ())
        xa = _np.stack([_np.reshape(a, (-1,)) for a in args])
        return _np.reshape(_np.matmul(self._phi(xa, self.xi), self.nodes), shp)

