"""``osculate.numpy``'s functions of complex numbers: the parts of a complex
value (``real``, ``imag``, ``angle``; ``conj`` is with the ufuncs), ``real_if_close``
and the dtype predicates.  On real input each does what NumPy does (``real``
returns the input, ``imag`` constant zeros); the rules are those of the
primitives of :mod:`osculate.ad.prims.complex_parts`.

>>> import numpy as np, osculate as osc
>>> complex(osc.grad(lambda z: np.real(z ** 2))(np.complex128(1 + 2j)))
(2+4j)
"""

from __future__ import annotations

import numpy as _np

from .. import prims as _prims
from ..core import concrete as _concrete

__all__ = ["real", "imag", "angle", "real_if_close", "iscomplexobj", "isrealobj", "iscomplex", "isreal"]


def real(val):
    """The real part (``val`` itself when real)."""
    return _prims.real(val)


def imag(val):
    """The imaginary part (constant zeros when ``val`` is real)."""
    return _prims.imag(val)


def angle(z, deg=False):
    """The argument of ``z``, ``arctan2(Im z, Re z)``, in radians (degrees with ``deg``)."""
    a = _prims.arctan2(_prims.imag(z), _prims.real(z))
    return a * (180.0 / _np.pi) if deg else a


def real_if_close(a, tol=100):
    """``Re a`` when every imaginary part is within ``tol`` machine epsilons of
    zero (decided on the values, as NumPy does), else ``a``."""
    if not _prims.is_complex(a):
        return a
    eps = _np.finfo(a.dtype).eps
    tol = tol * eps if tol > 1 else tol
    if _np.all(_np.abs(_np.imag(_concrete(a))) < tol):
        return _prims.real(a)
    return a


def iscomplexobj(x):
    """Whether ``x`` has a complex dtype (its primal's)."""
    return _prims.is_complex(x)


def isrealobj(x):
    """Whether ``x`` has a real dtype (its primal's)."""
    return not _prims.is_complex(x)


def iscomplex(x):
    """Elementwise: a nonzero imaginary part (a boolean array, from the values)."""
    return _np.iscomplex(_concrete(x))


def isreal(x):
    """Elementwise: a zero imaginary part (a boolean array, from the values)."""
    return _np.isreal(_concrete(x))
