"""Table rows for the eigensolvers of ``osculate.scipy.linalg``: ``eig``,
``eigvals``, ``eigh_tridiagonal``, ``eig_banded`` (and their eigenvalue-only
forms).  Each row returns functions of the eigenpairs that do not depend on
an eigenvector's sign or phase (eigenvalues, ``|v|²``), so that eager, jit
and vmap agree.  The generalized problem (``eig(a, b)``) needs concrete
values and is tested in ``test_scipy_linalg_spectral.py``."""

from __future__ import annotations

import numpy as np

from osculate.scipy import linalg as la

from _cases import normal


def real_spectrum(n):
    """A matrix with well-separated real eigenvalues 1, 2, ..., n."""
    def make(r):
        q = np.linalg.qr(r.standard_normal((n, n)))[0] + 0.2 * r.standard_normal((n, n))
        return q @ np.diag(np.arange(1.0, n + 1)) @ np.linalg.inv(q)
    return make


def spread(n, lo=1.0, hi=3.0):
    """A diagonal with well-separated entries (so the tridiagonal's eigenvalues are distinct)."""
    return lambda r: np.linspace(lo * n, hi * n, n) + 0.1 * r.standard_normal(n)


def eig_real(a):
    w, v = la.eig(a)
    return np.concatenate([np.real(w), np.abs(v).ravel() ** 2])


def eigvals_complex(a):  # a rotation-like block: complex pairs, both parts
    w = la.eigvals(a)
    return np.concatenate([np.real(w) ** 2, np.imag(w) ** 2, np.abs(w)])


def tridiagonal(d, e):
    w, v = la.eigh_tridiagonal(d, e)
    return np.concatenate([w, (v ** 2).ravel(), la.eigvalsh_tridiagonal(d, e, select="i", select_range=(1, 2))])


def banded_upper(a_band):
    w, v = la.eig_banded(a_band)
    return np.concatenate([w, (v ** 2).ravel()])


def banded_lower(a_band):
    return la.eigvals_banded(a_band, lower=True) + 0.0


def band(n, u):
    def make(r):
        b = 0.3 * r.standard_normal((u + 1, n))
        b[u] = np.linspace(1.0, 3.0 * n, n)  # the diagonal (upper storage: the last row)
        return b
    return make


def band_lower(n, u):
    def make(r):
        b = 0.3 * r.standard_normal((u + 1, n))
        b[0] = np.linspace(1.0, 3.0 * n, n)  # the diagonal (lower storage: the first row)
        return b
    return make


def rotation_like(r):
    return np.array([[1.0, -2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 4.0]]) + 0.1 * r.standard_normal((3, 3))


ROWS = [
    ("scipy.linalg.eig", eig_real, [real_spectrum(3)], "real-spectrum"),
    ("scipy.linalg.eigvals", eigvals_complex, [rotation_like], "complex-pair"),
    ("scipy.linalg.eigh_tridiagonal", tridiagonal, [spread(4), normal(3)], ""),
    ("scipy.linalg.eig_banded", banded_upper, [band(4, 2)], "upper"),
    ("scipy.linalg.eigvals_banded", banded_lower, [band_lower(4, 1)], "lower"),
]
