"""The second-order Taylor model ``m(p) = f(x) + gᵀp + ½ pᵀHp`` as an object.

Dense for small problems; matrix-free for large ones, where ``H`` is only
ever applied through :func:`osculate.hessian_operator` (Hessian-vector
products) and systems are solved by conjugate gradients / MINRES.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse.linalg as spla

from ..ad.transforms import hessian, value_and_grad
from ..linop.operators import hessian_operator
from ..linop.eigen import eigenvalues as _eigenvalues
from ._util import Result, as_point, check_scalar_value, flat_function

__all__ = ["QuadraticModel", "ModelComparison", "quadratic_model"]

_DENSE_LIMIT = 200


@dataclass(repr=False, eq=False)
class ModelComparison(Result):
    """The model against the true function along ``x + t d`` (see
    :meth:`QuadraticModel.compare`).

    Attributes
    ----------
    t : ndarray
        Step lengths.
    direction : ndarray
        The direction ``d`` (as given, not normalised).
    model : ndarray
        ``m(t d)``.
    true : ndarray
        ``f(x + t d)``.
    error : ndarray
        ``true - model``; ``O(t³)`` for smooth ``f``.
    """

    t: np.ndarray
    direction: np.ndarray
    model: np.ndarray
    true: np.ndarray
    error: np.ndarray

    @property
    def max_abs_error(self) -> float:
        return float(np.max(np.abs(self.error)))


@dataclass(repr=False, eq=False)
class QuadraticModel(Result):
    """Second-order Taylor model of ``f`` at ``x`` (build it with
    :func:`quadratic_model`).

    ``m(p) = value + gradientᵀ p + ½ pᵀ H p``, with ``p`` a step from ``x``
    (same shape as ``x``).

    Attributes
    ----------
    x : ndarray
        Expansion point.
    value : float
        ``f(x)``.
    gradient : ndarray
        ``∇f(x)``.
    hessian : ndarray or None
        The dense Hessian (``None`` when matrix-free).
    operator : LinearOperator
        ``H`` as an operator (always available; counts its products).
    matrix_free : bool
        Whether ``H`` is used only through products.
    """

    x: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray | None = field(repr=False)
    operator: Any = field(repr=False)
    matrix_free: bool = False
    _f: Any = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "x": self.x.tolist(),
            "value": float(self.value),
            "gradient": self.gradient.tolist(),
            "hessian": None if self.hessian is None else self.hessian.tolist(),
            "matrix_free": bool(self.matrix_free),
        }

    # -- basics ------------------------------------------------------------

    @property
    def n(self) -> int:
        return int(self.x.size)

    def _flat(self, p) -> np.ndarray:
        p = np.asarray(p, dtype=np.float64)
        if p.shape == self.x.shape:
            return p.reshape(-1)
        if p.ndim == 1 and p.size == self.n:
            return p
        raise ValueError(f"the step p has shape {p.shape}; expected the shape of x, {self.x.shape}")

    def hvp(self, p) -> np.ndarray:
        """``H p`` (same shape as ``x``)."""
        q = self._flat(p)
        out = self.hessian @ q if self.hessian is not None else self.operator @ q
        return np.asarray(out).reshape(self.x.shape)

    def __call__(self, p) -> float | np.ndarray:
        """``m(p)``; ``p`` of shape ``x.shape`` or a batch ``(m, n)`` of flat steps."""
        p = np.asarray(p, dtype=np.float64)
        if p.ndim == 2 and p.shape[1] == self.n and p.shape != self.x.shape:
            return np.array([self(row) for row in p])
        q = self._flat(p)
        g = self.gradient.reshape(-1)
        return float(self.value + g @ q + 0.5 * q @ self.hvp(q).reshape(-1))

    evaluate = __call__

    def gradient_at(self, p) -> np.ndarray:
        """Model gradient ``g + H p``."""
        return self.gradient + self.hvp(p)

    # -- definiteness and steps ---------------------------------------------

    def smallest_eigenvalue(self) -> float:
        """Smallest eigenvalue of ``H`` (dense ``eigvalsh`` or Lanczos)."""
        if self.hessian is not None:
            return float(np.linalg.eigvalsh(self.hessian)[0])
        if self.n == 1:
            return float((self.operator @ np.ones(1))[0])
        return float(_eigenvalues(self.operator, k=1, which="SA", tol=1e-10).values[0])

    @property
    def is_positive_definite(self) -> bool:
        """Whether ``H`` is positive definite (the model has a unique minimiser).

        Dense: a Cholesky factorisation succeeds.  Matrix-free: the smallest
        Lanczos eigenvalue is positive (relative to the largest).
        """
        if self.hessian is not None:
            try:
                np.linalg.cholesky(self.hessian)
            except np.linalg.LinAlgError:
                return False
            return True
        lo = self.smallest_eigenvalue()
        return lo > 0

    def newton_step(self, tol: float = 1e-10) -> np.ndarray:
        """The Newton step ``p = -H⁻¹ g`` (a stationary point of the model).

        Dense: through the eigendecomposition of ``H``; ``ValueError`` when
        ``H`` is singular to working precision (an eigenvalue within
        ``n · eps · max|λ|`` of zero), where a solve would return rounding
        noise.  Matrix-free: conjugate gradients when ``H`` is positive
        definite, else MINRES (``ValueError`` if it does not converge).
        """
        g = self.gradient.reshape(-1)
        if self.hessian is not None:
            H = np.asarray(self.hessian, dtype=float)
            if not np.all(np.isfinite(H)):
                raise ValueError("the Hessian is not finite, so the model has no stationary point")
            w, V = np.linalg.eigh(0.5 * (H + H.T))
            scale = float(np.max(np.abs(w))) if w.size else 0.0
            if scale == 0.0 or float(np.min(np.abs(w))) <= w.size * np.finfo(float).eps * scale:
                raise ValueError("the Hessian is singular, so the model has no unique stationary point")
            p = -(V @ ((V.T @ g) / w))
            return p.reshape(self.x.shape)
        solver = spla.cg if self.is_positive_definite else spla.minres
        p, info = solver(self.operator, -g, rtol=tol, maxiter=10 * self.n)
        if info != 0:
            raise ValueError(f"{solver.__name__} did not converge on H p = -g (info={info}); H may be singular")
        return np.asarray(p).reshape(self.x.shape)

    def minimiser(self) -> np.ndarray:
        """The minimiser ``x - H⁻¹ g`` of the model (``ValueError`` unless ``H`` is
        positive definite: otherwise the model is unbounded below or has no
        unique minimiser)."""
        if not self.is_positive_definite:
            raise ValueError(
                "the Hessian is not positive definite (smallest eigenvalue "
                f"{self.smallest_eigenvalue():.6g}), so the quadratic model has no unique minimiser"
            )
        return self.x + self.newton_step()

    def compare(self, direction, t=None) -> ModelComparison:
        """The model against the true ``f`` along ``x + t d``.

        ``t`` defaults to 11 points in ``[-1, 1]``.
        """
        d = self._flat(as_point(direction, "direction"))
        ts = np.linspace(-1.0, 1.0, 11) if t is None else np.atleast_1d(np.asarray(t, dtype=np.float64))
        model = np.array([self(ti * d) for ti in ts])
        true = np.array([float(np.asarray(self._f(self.x + ti * d.reshape(self.x.shape)))) for ti in ts])
        return ModelComparison(ts, d.reshape(self.x.shape), model, true, true - model)

    def __repr__(self) -> str:
        g = np.array2string(self.gradient.reshape(-1), precision=6, threshold=8, separator=", ")
        mode = "matrix-free" if self.matrix_free else "dense"
        return f"QuadraticModel(n={self.n}, value={self.value:.6g}, gradient={g}, hessian={mode})"


def quadratic_model(f, x, *, matrix_free: bool | None = None) -> QuadraticModel:
    """The second-order Taylor model of ``f`` at ``x``.

    Parameters
    ----------
    f : callable
        Scalar function.
    x : array_like
        Expansion point.
    matrix_free : bool, optional
        Use ``H`` only through Hessian-vector products
        (:func:`osculate.hessian_operator`); default: for ``n > 200``.

    Returns
    -------
    QuadraticModel
        Evaluate with ``model(p)``; ``model.newton_step()``,
        ``model.minimiser()`` (positive definite ``H``),
        ``model.compare(d)`` (model vs ``f`` along a line).

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import quadratic_model
    >>> m = quadratic_model(lambda th: (th[0] - 3.0) ** 2, np.array([0.0]))
    >>> m.minimiser()                      # one Newton step solves a quadratic
    array([3.])
    >>> m = quadratic_model(lambda x: np.exp(x[0] + x[1]), np.zeros(2))
    >>> m(np.array([0.1, 0.2])), round(1 + 0.3 + 0.5 * 0.3 ** 2, 12)
    (1.345, 1.345)
    >>> m.is_positive_definite
    False
    """
    point = as_point(x)
    flat = flat_function(f, point.shape)
    z = point.reshape(-1)
    n = z.size
    if matrix_free is None:
        matrix_free = n > _DENSE_LIMIT
    with np.errstate(all="ignore"):  # non-finite results are reported below, with a clear message
        if matrix_free:
            op = hessian_operator(flat, z)
            value, g, H = op.value, op.gradient, None
        else:
            value, g = value_and_grad(flat)(z)
            value = check_scalar_value(value)
            H = np.asarray(hessian(flat)(z), dtype=np.float64).reshape(n, n)
            op = spla.aslinearoperator(H)
            if not np.all(np.isfinite(H)):
                raise ValueError("the Hessian at x contains NaN or inf")
    value = check_scalar_value(value)
    g = np.asarray(g, dtype=np.float64).reshape(point.shape)
    if not np.all(np.isfinite(g)):
        raise ValueError("the gradient at x contains NaN or inf")
    return QuadraticModel(point.copy(), value, g, H, op, bool(matrix_free), f)
