"""Table rows for the complex-valued ``scipy.special`` functions
(``osculate.ad.prims.special_complex``), as a user writes them: real and
imaginary parts of SciPy calls on real arguments."""

from __future__ import annotations

import numpy as np
from scipy import special

from _cases import uniform


def parts(z):
    return np.concatenate([np.real(z), np.imag(z)])


ROWS = [
    ("scipy.special.lambertw", lambda x: parts(special.lambertw(x) * special.lambertw(x, -1)),
     [uniform(-0.3, -0.1, 3)], "branches"),
    ("scipy.special.wofz", lambda x: parts(special.wofz(x)), [uniform(-2.0, 2.0, 3)], ""),
    ("scipy.special.hankel1", lambda x: parts(special.hankel1(1.5, x) + special.hankel2e(0.5, x)),
     [uniform(0.5, 4.0, 3)], ""),
    ("scipy.special.hankel2", lambda x: parts(special.hankel2(0.5, x) * special.hankel1e(2.5, x)),
     [uniform(0.5, 4.0, 3)], ""),
    ("scipy.special.kelvin", lambda x: parts(special.kelvin(x)[0] * special.kelvin(x)[3]), [uniform(0.5, 3.0, 3)], ""),
    ("scipy.special.modfresnelp", lambda x: parts(special.modfresnelp(x)[1] + special.modfresnelm(x)[0]),
     [uniform(0.2, 3.0, 3)], ""),
]

TAYLOR_ROWS = [
    ("scipy.special.lambertw", lambda x: parts(special.lambertw(x + 0.5)), [uniform(-0.2, 0.2, 3)], 0.1, True),
    ("scipy.special.wofz", lambda x: parts(special.wofz(x)), [uniform(-2.0, 2.0, 3)], 0.1, True),
    ("scipy.special.hankel1", lambda x: parts(special.hankel1(1.5, x) * special.hankel2(0.5, x)),
     [uniform(1.0, 3.0, 3)], 0.1, True),
    ("scipy.special.hankel1e", lambda x: parts(special.hankel1e(1.5, x) + special.hankel2e(0.5, x)),
     [uniform(1.0, 3.0, 3)], 0.1, True),
    ("scipy.special.modfresnelp", lambda x: parts(special.modfresnelp(x)[0] * special.modfresnelp(x)[1]),
     [uniform(0.5, 2.0, 3)], 0.1, True),
    ("scipy.special.modfresnelm", lambda x: parts(special.modfresnelm(x)[0] * special.modfresnelm(x)[1]),
     [uniform(0.5, 2.0, 3)], 0.1, True),
]
