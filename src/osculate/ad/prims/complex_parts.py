"""The parts of a complex number: ``real``, ``imag`` and ``conj``.

Each is linear over the reals, so the :func:`~.structural.linear` factory
gives all its rules (the jvp applies the map to the tangent, Taylor mode to
every coefficient).  Their adjoints follow osculate's convention for complex
cotangents, the one JAX and autograd share: a cotangent ``c`` pairs with a
tangent ``t`` as ``Re(sum(c * t))``, without conjugation, so

* ``real``: ``Re(c · Re t) = Re(c t)`` for a real ``c``: the adjoint is ``c``;
* ``imag``: ``c · Im t = Re(-i c t)``: the adjoint is ``-i c``;
* ``conj``: ``Re(c · conj t) = Re(conj(c) t)``: the adjoint is ``conj(c)``.

On real input ``real`` and ``conj`` are the input itself and ``imag`` is a
constant zero, as in NumPy; the functions below return those without binding
a primitive.  Every holomorphic primitive needs nothing else: its rules
``t · f'(z)`` and ``c · f'(z)`` hold as written for complex values, and
``|z| = hypot(Re z, Im z)`` is differentiated through these three.
"""

from __future__ import annotations

import numpy as np

from .. import sparsity
from ..batching import elementwise_batch
from .structural import linear

__all__ = ["real", "imag", "conj", "is_complex"]


def is_complex(x):
    """Whether ``x`` (an array, tracer or number) has a complex dtype."""
    dt = getattr(x, "dtype", None)
    return (dt.kind == "c") if dt is not None else isinstance(x, complex)


def _elementwise_linear(name, impl, adjoint):
    p = linear(name, impl, adjoint, batch=None, sparsity_rule=sparsity.linear_rule)
    p.def_rule("batch", elementwise_batch(p))
    return p


real_p = _elementwise_linear("real", np.real, lambda ct, x: ct)
# (np.multiply, not -1j * ct: Python's complex times a NumPy float scalar would give a Python complex)
imag_p = _elementwise_linear("imag", np.imag, lambda ct, x: np.multiply(ct, -1j))
conj_p = _elementwise_linear("conj", np.conj, lambda ct, x: conj_p.bind(ct) if is_complex(ct) else ct)


def real(x):
    """The real part (``x`` itself when it is real)."""
    return real_p.bind(x) if is_complex(x) else x


def imag(x):
    """The imaginary part (zeros of ``x``'s shape, a constant, when ``x`` is real)."""
    if is_complex(x):
        return imag_p.bind(x)
    return np.zeros(np.shape(x), dtype=getattr(x, "dtype", np.float64))


def conj(x):
    """The complex conjugate (``x`` itself when it is real)."""
    return conj_p.bind(x) if is_complex(x) else x
