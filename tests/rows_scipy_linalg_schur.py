"""Table rows for the ``schur`` primitive (``osculate.scipy.linalg.schur``).
Its real form is unique near a matrix with distinct real eigenvalues (the
Schur vectors' signs are LAPACK's, fixed away from ties), so the real rows
use ``T`` and ``Z`` as they are; the complex form's phases are a convention,
so its rows use ``|T|²`` and ``|Z|²`` (as ``Re(x x̄)``: ``abs`` has no Taylor
series at the zeros below ``T``'s diagonal)."""

from __future__ import annotations

import numpy as np

from osculate.scipy import linalg as la

from rows_scipy_linalg_spectral import real_spectrum


def schur_real(a):
    t, z = la.schur(a)
    return np.concatenate([t.ravel(), z.ravel()])


def schur_complex(a):
    t, z = la.schur(a, output="complex")
    return np.concatenate([np.real(t * np.conj(t)).ravel(), np.real(z * np.conj(z)).ravel()])


ROWS = [
    ("scipy.linalg.schur", schur_real, [real_spectrum(3)], "real"),
    ("scipy.linalg.schur", schur_complex, [real_spectrum(3)], "complex"),
]

TAYLOR_ROWS = [
    ("schur", schur_real, [real_spectrum(3)], 0.3, True),
    ("schur", schur_complex, [real_spectrum(3)], 0.3, True),
]
