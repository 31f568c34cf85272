"""Fits over finite sums with their standard errors.

:func:`mle` minimises a negative log-likelihood written per chunk (or per
row) of a data set; :func:`nls` fits a nonlinear least-squares model.  Both
take the same data as :class:`osculate.FiniteSum` (NumPy in memory, or Dask
partitions on a cluster) and return a :class:`Fit`: the parameters, the
inverse-Hessian covariance and the sandwich (heteroskedasticity-robust,
"HC0") covariance

    H⁻¹ (Σᵢ sᵢ sᵢᵀ) H⁻¹,

where ``sᵢ`` is the score (gradient) of row ``i``'s term.  Per-row scores
need ``fn`` to return one value (or residual) per row; a ``fn`` that returns
only the chunk's total gives chunk scores, a covariance robust to
correlation within chunks (:attr:`Fit.robust_kind` says which).
"""
from __future__ import annotations

import numpy as np

from .ad.util import lazy_module
from .optim import least_squares, minimize
from .scale import FiniteSum

__all__ = ["Fit", "mle", "nls", "covariance"]

_sps = lazy_module("scipy.stats")  # (imported when a summary first needs a p-value)


class Fit:
    """The result of :func:`mle` or :func:`nls`.

    Attributes
    ----------
    params : ndarray
        The estimate θ̂.
    cov, se : ndarray
        Inverse-Hessian covariance (``nls``: ``σ̂² (JᵀJ)⁻¹``) and its
        standard errors.
    robust_cov, robust_se : ndarray
        Sandwich covariance ``H⁻¹ B H⁻¹`` and its standard errors.
    robust_kind : {"rows", "chunks"}
        What the scores in ``B`` are summed over.
    scale : float
        ``σ̂² = ‖r‖² / (m - p)`` for ``nls``, 1 for ``mle``.
    nobs : int
        Rows (``mle``) or residuals (``nls``).
    result : scipy.optimize.OptimizeResult
        The solver's result (``success``, ``nit``, ``message``...).
    round_trips : int
        Oracle calls that went to the data, the covariances' included.
    """

    def __init__(self, params, cov, robust_cov, robust_kind, scale, nobs, result, round_trips):
        self.params = params
        self.cov = cov
        self.se = np.sqrt(np.maximum(np.diag(cov), 0.0))
        self.robust_cov = robust_cov
        self.robust_se = np.sqrt(np.maximum(np.diag(robust_cov), 0.0))
        self.robust_kind = robust_kind
        self.scale = scale
        self.nobs = nobs
        self.result = result
        self.round_trips = round_trips

    def summary(self, names=None):
        """A table of estimates, standard errors, z values and two-sided p values."""
        names = names or [f"theta[{i}]" for i in range(self.params.size)]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = self.params / self.se
        p = 2 * _sps.norm.sf(np.abs(z))
        width = max(len(n) for n in names)
        lines = [f"{'':{width}}  {'estimate':>12} {'se':>11} {'robust se':>11} {'z':>8} {'P>|z|':>8}"]
        for i, name in enumerate(names):
            lines.append(f"{name:{width}}  {self.params[i]:12.6g} {self.se[i]:11.4g} {self.robust_se[i]:11.4g} "
                         f"{z[i]:8.3g} {p[i]:8.3g}")
        lines.append(f"{self.nobs} observations; solver: {self.result.message}")
        return "\n".join(lines)

    def __repr__(self):
        return self.summary()


def _objective(fn, data, residuals, options):
    if isinstance(fn, FiniteSum):
        if data is not None or options:
            raise ValueError("pass the data and its options to the FiniteSum, not again here")
        if fn.residuals != residuals:
            want = "residuals=True" if residuals else "residuals=False"
            raise ValueError(f"this fit needs a FiniteSum with {want}")
        return fn
    if data is None:
        raise ValueError("data is required (or pass a FiniteSum as the function)")
    return FiniteSum(fn, data, residuals=residuals, **options)


def _inverse(H, what):
    """Inverse of a symmetric matrix that must be positive definite, through
    its eigendecomposition; numerically singular (eigenvalues within
    ``100 n ε`` of the largest) or indefinite is an error."""
    w, Q = np.linalg.eigh(0.5 * (H + H.T))
    if not np.all(np.isfinite(w)):
        raise ValueError(f"the {what} is not finite at the estimate")
    floor = 100 * w.size * np.finfo(float).eps * max(abs(w[-1]), abs(w[0]))
    if w[0] < -floor:
        raise np.linalg.LinAlgError(f"the {what} has a negative eigenvalue ({w[0]:.3g}) at the estimate: "
                                    f"it is not a minimum, so no standard errors exist")
    if w[0] <= floor:
        raise np.linalg.LinAlgError(f"the {what} is singular at the estimate (smallest eigenvalue "
                                    f"{w[0]:.3g}, largest {w[-1]:.3g}): the parameters are not identified, "
                                    f"so no standard errors exist")
    return (Q / w) @ Q.T


def covariance(fs, theta):
    """``(cov, robust_cov, robust_kind)`` of a finite sum at ``theta``: the
    inverse Hessian and the sandwich ``H⁻¹ B H⁻¹`` (two round trips).

    For a sum of squares use :func:`nls`, which scales by ``σ̂²``.

    >>> import numpy as np
    >>> import osculate as osc
    >>> X = np.random.default_rng(1).normal(size=(200, 2))
    >>> fs = osc.FiniteSum(lambda t, x: 0.5 * (x - t[0]) ** 2 + 0.5 * t[1] ** 2, X[:, 0])
    >>> cov, robust, kind = osc.stats.covariance(fs, np.array([X[:, 0].mean(), 0.0]))
    >>> kind, np.round(np.diag(cov), 6).tolist()
    ('rows', [0.005, 0.005])
    """
    theta = np.asarray(theta, dtype=float)
    with fs.session():
        H = fs.hessian(theta)
        B, count = fs.scores(theta)
    Hinv = _inverse(H, "Hessian")
    kind = "rows" if count == fs.rows else "chunks"
    return Hinv, Hinv @ B @ Hinv, kind


def mle(nll, theta0, data=None, *, method="newton", solver_options=None, **options):
    """Maximum likelihood: minimise ``Σ nll(θ, chunk)`` and give standard errors.

    Parameters
    ----------
    nll : callable or FiniteSum
        ``nll(theta, chunk)``: the chunk's negative log-likelihood, best as
        one value per row (for per-row robust scores).
    theta0 : array_like
        Start point (1-D).
    data
        As :class:`osculate.FiniteSum`; ``options`` (``scheduler``,
        ``chunk_rows``, ``nan_policy``...) are passed to it.
    method : str
        A :func:`osculate.minimize` method (``"newton"``, ``"trust-ncg"``,
        ``"newton-cg"``, ``"trust-exact"``, ``"lbfgs"``...).

    Examples
    --------
    >>> import numpy as np
    >>> import osculate as osc
    >>> rng = np.random.default_rng(0)
    >>> x = rng.exponential(2.0, size=5000)
    >>> fit = osc.stats.mle(lambda t, x: t[0] + x * np.exp(-t[0]), np.zeros(1), x)
    >>> bool(abs(np.exp(fit.params[0]) / x.mean() - 1) < 1e-7), fit.robust_kind
    (True, 'rows')
    >>> bool(abs(fit.se[0] - 1 / np.sqrt(x.size)) < 1e-9)
    True
    """
    fs = _objective(nll, data, False, options)
    with fs.session():
        res = minimize(fs, theta0, method=method, **(solver_options or {}))
        cov, robust, kind = covariance(fs, res.x)
        nobs = fs.rows
    return Fit(res.x, cov, robust, kind, 1.0, nobs, res, fs.round_trips)


def nls(residuals, theta0, data=None, *, method="lm", solver_options=None, **options):
    """Nonlinear least squares ``min ½ Σ ‖r(θ, chunk)‖²`` with standard errors.

    The covariance is ``σ̂² (JᵀJ)⁻¹`` with ``σ̂² = ‖r‖² / (m - p)`` (``m``
    residuals, ``p`` parameters); the robust one is
    ``(JᵀJ)⁻¹ (Σ rᵢ² ∇rᵢ∇rᵢᵀ) (JᵀJ)⁻¹`` over residuals (``fn`` returning one
    residual per row) or chunks.

    Examples
    --------
    >>> import numpy as np
    >>> import osculate as osc
    >>> rng = np.random.default_rng(0)
    >>> t = np.linspace(0, 4, 2000); y = 3.0 * np.exp(-0.7 * t) + 0.01 * rng.normal(size=t.size)
    >>> fit = osc.stats.nls(lambda b, d: d[1] - b[0] * np.exp(-b[1] * d[0]), np.ones(2), (t, y))
    >>> np.round(fit.params, 2).tolist(), bool(np.all(fit.se < 1e-3))
    ([3.0, 0.7], True)
    """
    fs = _objective(residuals, data, True, options)
    with fs.session():
        res = least_squares(fs, theta0, method=method, **(solver_options or {}))
        cost, JTJ, _ = fs.gauss_newton(res.x)
        B, count = fs.scores(res.x)
        m = fs.residual_count
    p = res.x.size
    if m <= p:
        raise ValueError(f"{m} residuals for {p} parameters: no degrees of freedom left for σ̂²")
    scale = 2.0 * cost / (m - p)
    inv = _inverse(JTJ, "Gauss-Newton matrix JᵀJ")
    kind = "rows" if count == m else "chunks"
    return Fit(res.x, scale * inv, inv @ B @ inv, kind, scale, m, res, fs.round_trips)
