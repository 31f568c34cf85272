"""Two NIST StRD nonlinear-regression problems (Misra1a, lower difficulty;
Thurber, higher) with their certified parameter values, standard deviations and
residual sums of squares, and the two official starting points of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["NISTProblem", "NIST_PROBLEMS", "get_nist_problem"]


@dataclass(frozen=True)
class NISTProblem:
    """A NIST StRD nonlinear regression problem ``y ~ model(b, x)``.

    ``residual(b) = y - model(b, x)``; ``certified`` are the certified
    parameter values and ``certified_rss`` the certified residual sum of
    squares; ``starts`` are the two official starting points.
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    model: Callable
    starts: tuple
    certified: np.ndarray
    certified_sd: np.ndarray
    certified_rss: float
    difficulty: str

    def residual(self, b):
        return self.y - self.model(b, self.x)


def _misra1a_model(b, x):
    return b[0] * (1.0 - np.exp(-b[1] * x))


def _thurber_model(b, x):
    num = b[0] + b[1] * x + b[2] * x ** 2 + b[3] * x ** 3
    den = 1.0 + b[4] * x + b[5] * x ** 2 + b[6] * x ** 3
    return num / den


NIST_PROBLEMS = {
    "misra1a": NISTProblem(
        name="Misra1a",
        x=np.array([77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4,
                    434.8, 477.3, 536.8, 593.1, 689.1, 760.0]),
        y=np.array([10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82,
                    50.76, 55.05, 61.01, 66.40, 75.47, 81.78]),
        model=_misra1a_model,
        starts=(np.array([500.0, 1e-4]), np.array([250.0, 5e-4])),
        certified=np.array([2.3894212918e02, 5.5015643181e-04]),
        certified_sd=np.array([2.7070075241e00, 7.2668688436e-06]),
        certified_rss=1.2455138894e-01,
        difficulty="lower",
    ),
    "thurber": NISTProblem(
        name="Thurber",
        x=np.array([-3.067, -2.981, -2.921, -2.912, -2.840, -2.797, -2.702,
                    -2.699, -2.633, -2.481, -2.363, -2.322, -1.501, -1.460,
                    -1.274, -1.212, -1.100, -1.046, -0.915, -0.714, -0.566,
                    -0.545, -0.400, -0.309, -0.109, -0.103, 0.010, 0.119,
                    0.377, 0.790, 0.963, 1.006, 1.115, 1.572, 1.841, 2.047,
                    2.200]),
        y=np.array([80.574, 84.248, 87.264, 87.195, 89.076, 89.608, 89.868,
                    90.101, 92.405, 95.854, 100.696, 101.060, 401.672,
                    390.724, 567.534, 635.316, 733.054, 759.087, 894.206,
                    990.785, 1090.109, 1080.914, 1122.643, 1178.351, 1260.531,
                    1273.514, 1288.339, 1327.543, 1353.863, 1414.509,
                    1425.208, 1421.384, 1442.962, 1464.350, 1468.705,
                    1447.894, 1457.628]),
        model=_thurber_model,
        starts=(np.array([1000.0, 1000.0, 400.0, 40.0, 0.7, 0.3, 0.03]),
                np.array([1300.0, 1500.0, 500.0, 75.0, 1.0, 0.4, 0.05])),
        certified=np.array([1.2881396800e03, 1.4910792535e03, 5.8323836877e02,
                            7.5416644291e01, 9.6629502864e-01, 3.9797285797e-01,
                            4.9727297349e-02]),
        certified_sd=np.array([4.6647963344e00, 3.9571156086e01,
                               2.8698696102e01, 5.5675370270e00,
                               3.1333340687e-02, 1.4984928198e-02,
                               6.5842344623e-03]),
        certified_rss=5.6427082397e03,
        difficulty="higher",
    ),
}


def get_nist_problem(name):
    """Return the NIST StRD problem ``"misra1a"`` or ``"thurber"``.

    >>> from osculate.testing.nist import get_nist_problem
    >>> p = get_nist_problem("misra1a")
    >>> round(float(sum(p.residual(p.certified) ** 2)), 8)
    0.12455139
    """
    try:
        return NIST_PROBLEMS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown NIST problem {name!r}; valid names: "
                         f"{', '.join(NIST_PROBLEMS)}") from None
