"""Differentiable dense linear algebra: ``osculate.numpy.linalg``, the traced
counterpart of :mod:`numpy.linalg` (``solve``, ``inv``, ``det``, ``slogdet``,
``cholesky``, ``eigh``, ``eigvalsh``, ``norm``)."""

from __future__ import annotations

import collections as _collections

import numpy as _np

from ..prims import linalg as _linalg, reductions as _reductions, structural as _structural
from ..prims.unary import UNARY as _UNARY

__all__ = ["solve", "inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh", "norm", "SlogdetResult", "EighResult"]

inv = _linalg.inv
det = _linalg.det
cholesky = _linalg.cholesky


def solve(a, b):
    """Solve ``a @ x = b``; derivatives in both ``a`` and ``b``."""
    return _linalg.solve(a, b)


SlogdetResult = _collections.namedtuple("SlogdetResult", ["sign", "logabsdet"])
EighResult = _collections.namedtuple("EighResult", ["eigenvalues", "eigenvectors"])


def slogdet(a):
    """``(sign, log|det a|)`` as NumPy's named tuple; the sign is piecewise constant."""
    return SlogdetResult(_linalg.sign_det(a), _linalg.logabsdet(a))


def eigh(a, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors, as NumPy's named tuple."""
    if UPLO != "L":
        raise NotImplementedError("osculate.numpy.linalg.eigh: only UPLO='L' (NumPy's default) is supported")
    return EighResult(*_linalg.eigh(a))


def eigvalsh(a, UPLO="L"):
    return _linalg.eigh(a)[0]


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector 2-/1-/inf-norms and the Frobenius norm (``ord=None``/``'fro'``)."""
    nd = len(_structural.shape_of(x))
    if ord in (None, "fro", 2) and (ord != 2 or nd == 1 or (axis is not None and _np.ndim(axis) == 0)):
        return _UNARY["sqrt"].bind(_structural.sum_(x * x, axis, keepdims))
    if ord == 1 and (nd == 1 or _np.ndim(axis) == 0 and axis is not None):
        return _structural.sum_(_UNARY["abs"].bind(x), axis, keepdims)
    if ord in (_np.inf, "inf") and (nd == 1 or _np.ndim(axis) == 0 and axis is not None):
        return _reductions.amax(_UNARY["abs"].bind(x), axis, keepdims)
    raise NotImplementedError(
        f"osculate.numpy.linalg.norm: ord={ord!r} for a {nd}-d input is not supported; "
        "supported: vector ord None/2/1/inf and the Frobenius norm"
    )
