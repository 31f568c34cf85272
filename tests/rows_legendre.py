"""Table rows for the Legendre and spherical-harmonic functions of
``osculate.scipy.special`` (``_legendre``): values and the derivatives SciPy
returns (``diff_n=2``), real and imaginary parts of the harmonics."""

from __future__ import annotations

import numpy as np

from osculate.scipy import special as osp

from _cases import uniform


def harmonics(theta, phi):
    y = osp.sph_harm_y_all(2, 2, theta, phi)
    return np.concatenate([np.real(y).ravel(), np.imag(y).ravel()])


ROWS = [
    ("scipy.special.legendre_p", lambda z: osp.legendre_p(5, z, diff_n=2), [uniform(-0.9, 0.9, 3)], ""),
    ("scipy.special.legendre_p_all", lambda z: osp.legendre_p_all(3, z, diff_n=1), [uniform(-0.9, 0.9, 2)], ""),
    ("scipy.special.assoc_legendre_p", lambda z: osp.assoc_legendre_p(4, -3, z, norm=True, diff_n=2),
     [uniform(-0.9, 0.9, 3)], ""),
    ("scipy.special.assoc_legendre_p_all", lambda z: osp.assoc_legendre_p_all(3, 2, z), [uniform(-0.9, 0.9, 2)], ""),
    ("scipy.special.sph_legendre_p", lambda t: osp.sph_legendre_p(3, 1, t, diff_n=2), [uniform(0.2, 2.9, 3)], ""),
    ("scipy.special.sph_harm_y_all", harmonics, [uniform(0.2, 2.9, 2), uniform(-3.0, 3.0, 2)], ""),
]
