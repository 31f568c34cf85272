"""The :class:`Objective` wrapper: derivatives on demand, with counters."""
from __future__ import annotations

import contextlib

import numpy as np

from ..ad.transforms import hessian, hvp, value_and_grad
from ..ad.util import COMPLEX_HINT
from ..sparse._staging import Staging

__all__ = ["Objective", "start_point"]


def start_point(x0):
    """``x0`` as a fresh 1-D float array, checked finite (the start of
    :func:`minimize` and :func:`least_squares`)."""
    if np.iscomplexobj(x0):
        raise TypeError(f"x0 is complex; the optimizers work in real coordinates: {COMPLEX_HINT}")
    x = np.asarray(x0, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x0 must be a 1-D array, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x0 contains NaN or infinite values")
    return x.copy()


class Objective:
    """A scalar objective ``f(x)`` with counted derivative evaluations.

    Derivatives that are not supplied are computed by osculate's transforms
    (``osc.value_and_grad``, ``osc.hvp``, ``osc.hessian``), built the first
    time they are needed.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float`` written in plain NumPy.
    grad : callable, optional
        ``grad(x, *args) -> ndarray``.
    hvp : callable, optional
        ``hvp(x, v, *args) -> ndarray``, the Hessian-vector product.
    hess : callable, optional
        ``hess(x, *args) -> ndarray (n, n)``.
    value_and_grad : callable, optional
        ``value_and_grad(x, *args) -> (float, ndarray)``, used (with ``grad``)
        when value and gradient are wanted together: one pass instead of two.
    args : tuple, optional
        Extra arguments passed to ``fun`` and the derivatives.
    jit : {"auto", True, False}, optional
        ``"auto"`` (default): stage the engine's derivatives once with
        :func:`osculate.jit` and replay them at every new point; if staging
        fails (value-dependent Python control flow in ``fun`` raises
        :class:`~osculate.ConcretizationError`) and the eager evaluation
        does not, evaluate eagerly from then on and say so in :attr:`note`.
        ``True``: stage and let a staging error propagate.  ``False``:
        always eager.  User-supplied derivatives are never staged.

    Attributes
    ----------
    nfev, ngev, nhvp, nhev : int
        Number of objective values, gradients, Hessian-vector products and
        dense Hessians computed so far.  A combined value-and-gradient
        evaluation counts once in ``nfev`` and once in ``ngev``; a value
        obtained as a by-product of a gradient request is cached but not
        counted; evaluations repeated at the same point are served from a
        one-point cache and not counted again.
    note : str
        With ``jit="auto"``: one line saying which derivative could not be
        staged and why (``""`` while staging works).

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.optim import Objective
    >>> obj = Objective(lambda x: np.sum(x ** 2), grad=lambda x: 2 * x)
    >>> obj.value(np.ones(3)), obj.gradient(np.ones(3)).tolist()
    (3.0, [2.0, 2.0, 2.0])
    >>> obj.nfev, obj.ngev
    (1, 1)
    """

    def __init__(self, fun, grad=None, hvp=None, hess=None, args=(), jit="auto", value_and_grad=None):
        if not callable(fun):
            raise TypeError("fun must be callable")
        for nm, d in (("grad", grad), ("hvp", hvp), ("hess", hess), ("value_and_grad", value_and_grad)):
            if d is not None and not callable(d):
                raise TypeError(f"{nm} must be callable or None")
        self._fun_user = fun
        self.args = tuple(args)
        if self.args:
            self._f = lambda x: fun(x, *self.args)
        else:
            self._f = fun
        if value_and_grad is not None and grad is None:
            raise ValueError("value_and_grad needs grad as well (a gradient alone is asked for too)")
        self._grad_user = grad
        self._vg_user = value_and_grad
        self._hvp_user = hvp
        self._hess_user = hess
        self._staging = Staging(jit, "the objective")
        self.jit = self._staging.mode
        self._vg = None  # engine value_and_grad(f)
        self._hvpfn = None  # engine hvp(f, ., .)
        self._hessfn = None  # engine hessian(f)
        self.nfev = 0
        self.ngev = 0
        self.nhvp = 0
        self.nhev = 0
        self._fx = None  # (key, value)
        self._gx = None  # (key, grad)
        self._hx = None  # (key, Hessian): shape-checked and symmetrised, shared by hvp and hessian

    # -- bookkeeping ---------------------------------------------------------
    @staticmethod
    def _key(x):
        return x.tobytes()

    def counts(self):
        """Return ``dict(nfev=..., ngev=..., nhvp=..., nhev=...)``."""
        return dict(nfev=self.nfev, ngev=self.ngev, nhvp=self.nhvp,
                    nhev=self.nhev)

    def session(self):
        """A context manager around one solver call (nothing to open for a
        plain objective; a :class:`~osculate.FiniteSum` opens its cluster)."""
        return contextlib.nullcontext(self)

    @property
    def has_second_order(self):
        """True: Hessian information comes from the user or else from the engine."""
        return True

    @staticmethod
    def _check_scalar(val):
        arr = np.asarray(val)
        if arr.size != 1:
            raise ValueError(
                f"the objective must return a scalar, got an array of shape "
                f"{arr.shape}; for vector-valued residuals use "
                f"osculate.optim.least_squares")
        if not np.issubdtype(arr.dtype, np.number):
            raise TypeError(f"the objective returned a non-numeric value of "
                            f"type {type(val).__name__}")
        return float(arr.reshape(()))

    # -- evaluations ---------------------------------------------------------
    def value(self, x):
        """Objective value at ``x`` (float)."""
        key = self._key(x)
        if self._fx is not None and self._fx[0] == key:
            return self._fx[1]
        with np.errstate(all="ignore"):
            val = self._check_scalar(self._f(x))
        self.nfev += 1
        self._fx = (key, val)
        return val

    def gradient(self, x):
        """Gradient at ``x`` (1-D array)."""
        key = self._key(x)
        if self._gx is not None and self._gx[0] == key:
            return self._gx[1]
        if self._grad_user is not None:
            with np.errstate(all="ignore"):
                g = self._grad_user(x, *self.args)
            self.ngev += 1
        else:
            # the value is a by-product of the engine's gradient pass; it is
            # cached but not counted as a separate objective evaluation
            val, g = self._engine_vg(x)
            self.ngev += 1
            if self._fx is None or self._fx[0] != key:
                self._fx = (key, self._check_scalar(val))
        g = np.asarray(g, dtype=float).reshape(-1)
        if g.shape != x.shape:
            raise ValueError(f"gradient has shape {g.shape}, expected {x.shape}")
        self._gx = (key, g)
        return g

    def value_and_grad(self, x):
        """``(value, gradient)`` at ``x`` using a single pass when possible."""
        key = self._key(x)
        have_f = self._fx is not None and self._fx[0] == key
        have_g = self._gx is not None and self._gx[0] == key
        if have_f and have_g:
            return self._fx[1], self._gx[1]
        if have_f or (self._grad_user is not None and self._vg_user is None):
            return self.value(x), self.gradient(x)
        if self._vg_user is not None:
            with np.errstate(all="ignore"):
                val, g = self._vg_user(x, *self.args)
        else:
            val, g = self._engine_vg(x)
        val = self._check_scalar(val)
        g = np.asarray(g, dtype=float).reshape(-1)
        self.nfev += 1
        self.ngev += 1
        self._fx = (key, val)
        self._gx = (key, g)
        return val, g

    @property
    def note(self):
        """One line on a staging fallback (``jit="auto"``), else ``""``."""
        return self._staging.note

    def _staged(self, fn, what):
        return self._staging.wrap(fn, what)

    def _engine_vg(self, x):
        if self._vg is None:
            self._vg = self._staged(value_and_grad(self._f), "gradient")
        with np.errstate(all="ignore"):
            return self._vg(x)

    def hvp(self, x, v):
        """Hessian-vector product ``H(x) @ v`` (with a user ``hess`` only:
        ``hessian(x) @ v``, one checked, symmetrised Hessian per point)."""
        self.nhvp += 1
        with np.errstate(all="ignore"):
            if self._hvp_user is not None:
                out = self._hvp_user(x, v, *self.args)
            elif self._hess_user is not None:
                out = self.hessian(x) @ v
            else:
                if self._hvpfn is None:
                    f = self._f
                    self._hvpfn = self._staged(lambda x, v: hvp(f, x, v), "Hessian-vector product")
                out = self._hvpfn(x, v)
        return np.asarray(out, dtype=float).reshape(-1)

    def hessian(self, x):
        """Dense Hessian at ``x`` (symmetrised, shape ``(n, n)``)."""
        key = self._key(x)
        if self._hx is not None and self._hx[0] == key:
            return self._hx[1]
        n = x.size
        if self._hess_user is not None:
            with np.errstate(all="ignore"):
                H = np.asarray(self._hess_user(x, *self.args), dtype=float)
            self.nhev += 1
        elif self._hvp_user is not None:
            eye = np.eye(n)
            H = np.stack([self.hvp(x, eye[i]) for i in range(n)], axis=1)
        else:
            if self._hessfn is None:
                self._hessfn = self._staged(hessian(self._f), "Hessian")
            with np.errstate(all="ignore"):
                H = np.asarray(self._hessfn(x), dtype=float)
            self.nhev += 1
        if H.shape != (n, n):
            raise ValueError(f"Hessian has shape {H.shape}, expected {(n, n)}")
        H = 0.5 * (H + H.T)
        self._hx = (key, H)
        return H

    def fd_hvp(self, x, v, rel_step=None):
        """Central finite-difference Hessian-vector product from gradients.

        Used only for the curvature (saddle) check of first-order methods
        when no Hessian information is available; costs two gradients.
        """
        nv = np.linalg.norm(v)
        if nv == 0:
            return np.zeros_like(x)
        h = (rel_step or np.finfo(float).eps ** (1 / 3)) * max(1.0, np.linalg.norm(x)) / nv
        gp = self._raw_gradient(x + h * v)
        gm = self._raw_gradient(x - h * v)
        return (gp - gm) / (2 * h)

    def _raw_gradient(self, x):
        # gradient without disturbing the cache of the current iterate
        saved_f, saved_g = self._fx, self._gx
        try:
            return self.gradient(x).copy()
        finally:
            self._fx, self._gx = saved_f, saved_g
