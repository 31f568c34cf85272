"""``osculate.scipy``: SciPy's functions on traced values, with SciPy's signatures.

Import it the way you import SciPy, and call it where plain SciPy would
convert a traced value to an array (the engine side, with the details, is
:mod:`osculate.ad.scipy`):

>>> import numpy as np, osculate as osc
>>> from osculate.scipy.special import logsumexp
>>> float(osc.grad(logsumexp)(np.zeros(2))[0])
0.5
"""

from . import fft, integrate, interpolate, linalg, ndimage, optimize, signal, spatial, special, stats  # noqa: F401

__all__ = ["fft", "integrate", "interpolate", "linalg", "ndimage", "optimize", "signal", "spatial", "special", "stats"]
