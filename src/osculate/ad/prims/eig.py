"""The eigendecomposition of a general (non-symmetric) square matrix:
``eig(a) -> (w, v)`` with ``a v = v diag(w)``, always complex (the
eigenvalues of a real matrix may be complex; NumPy returns a real dtype when
they all happen to be real, osculate keeps one dtype so that the derivative
does not depend on the values).

With ``X = v⁻¹ da v`` and ``F_ij = 1 / (w_j − w_i)`` off the diagonal:

* ``dw = diag(X)``, exact for distinct eigenvalues;
* ``dv = v (F ∘ X)`` then, as NumPy normalises each eigenvector to unit
  length, ``dv_i − v_i Re(v_iᴴ dv_i)``.  An eigenvector's phase is whatever
  LAPACK returned; the derivative keeps that phase fixed to first order
  (``Im(v_iᴴ dv_i)`` is not zero in general), so use functions of the
  eigenvectors that do not depend on their phase (``|v|``, projections).

Repeated eigenvalues make ``F`` infinite: the derivative does not exist
there (NaN or inf propagate).  The vjp is the transpose of the jvp under the
pairing ``Re(sum(c * t))``; Taylor mode runs the jvp (written with
primitives) in Taylor mode.
"""

from __future__ import annotations

import numpy as np

from ..core import zero
from .complex_parts import conj, real
from .decompositions import _dense_kernel
from .linalg import _eig_gap_inverse, einsum, matmul, mT, solve
from .structural import reshape, shape_of

__all__ = ["eig"]


def _eig_impl(a):
    w, v = np.linalg.eig(a)
    dtype = np.result_type(w.dtype, np.complex64)
    return w.astype(dtype), v.astype(dtype)


eig_p = _dense_kernel("eig", _eig_impl, multiple_results=True)


def eig(a):
    """Eigenvalues and right eigenvectors (unit columns) of a square matrix, complex."""
    return eig_p.bind(a)


def _row(s):
    return reshape(s, shape_of(s)[:-1] + (1, shape_of(s)[-1]))


@eig_p.def_jvp
def _eig_jvp(primals, tangents):
    a = primals[0]
    w, v = eig_p.bind(a)
    t = tangents[0]
    if t is zero:
        return (w, v), (zero, zero)
    x = solve(v, matmul(t, v))
    dw = einsum("...ii->...i", x)
    dv = matmul(v, _eig_gap_inverse(w) * x)
    dv = dv - v * _row(real(einsum("...mi,...mi->...i", conj(v), dv)))
    return (w, v), (dw, dv)


@eig_p.def_vjp
def _eig_vjp(cts, outs, primals, wants):
    w, v = outs
    cw, cv = cts
    n = shape_of(w)[-1]
    gx = 0.0
    if cw is not zero:
        gx = _row(cw) * np.eye(n)
    if cv is not zero:
        cv = cv - conj(v) * _row(real(einsum("...mi,...mi->...i", v, cv)))
        gx = gx + _eig_gap_inverse(w) * matmul(mT(v), cv)
    # X = v⁻¹ da v: the cotangent of da is v⁻ᵀ gx vᵀ
    return (solve(mT(v), matmul(gx, mT(v))),)
