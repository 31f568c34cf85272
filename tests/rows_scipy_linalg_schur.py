"""Table rows for the ``schur`` primitive (``osculate.scipy.linalg.schur``).
Its real form is unique near a matrix with distinct real eigenvalues (the
Schur vectors' signs are LAPACK's, fixed away from ties), so the real rows
use ``T`` and ``Z`` as they are (the table rows run under jit and vmap, where
a real form with 2x2 blocks is refused: only the Taylor table has one); the complex form's phases are a convention,
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

def rotation_block(r):
    """Eigenvalues 1 ± 2i and 4: a real Schur form with one 2x2 block (Taylor mode runs eagerly, where
    the block's place is known)."""
    return np.array([[1.0, -2.0, 0.5], [2.0, 1.0, 0.0], [0.3, 0.0, 4.0]]) + 0.1 * r.standard_normal((3, 3))


TAYLOR_ROWS = [
    ("schur", schur_real, [real_spectrum(3)], 0.3, True),
    ("schur", schur_real, [rotation_block], 0.3, True),
    ("schur", schur_complex, [real_spectrum(3)], 0.3, True),
]
