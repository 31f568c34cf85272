"""Second derivatives of real-valued functions of complex variables.

A real ``f(z)`` of ``z = x + iy`` is not holomorphic (unless constant), so
it has no complex Hessian; its curvature is the real ``2n × 2n`` Hessian of
``g(x, y) = f(x + iy)``, or equivalently the two Wirtinger forms

* ``∂²f/∂z ∂z̄ = ¼ (H_xx + H_yy) + ¼ i (H_xy − H_yx)`` (Hermitian), and
* ``∂²f/∂z ∂z = ¼ (H_xx − H_yy) − ¼ i (H_xy + H_yx)`` (symmetric),

with ``∂/∂z = ½(∂/∂x − i ∂/∂y)`` and ``∂/∂z̄ = ½(∂/∂x + i ∂/∂y)``.  The
second-order model is then ``f(z + dz) ≈ f + 2 Re(gᴴ dz) + dzᴴ A dz +
Re(dzᵀ B dz)`` with ``A = ∂²f/∂z̄∂z``, ``B = ∂²f/∂z∂z`` and ``g = ∂f/∂z̄``.
"""

from __future__ import annotations

import collections

import numpy as np

from . import numpy as osc_np
from .transforms import hessian
from .util import as_float_input

__all__ = ["real_hessian", "wirtinger_hessian", "WirtingerHessian"]

WirtingerHessian = collections.namedtuple("WirtingerHessian", ["z_zbar", "z_z"])


def _real_coordinates(f, shape):
    n = int(np.prod(shape))

    def g(w):
        return f(osc_np.reshape(w[:n] + 1j * w[n:], shape))

    return g


def real_hessian(f, mode="fwd-rev"):
    """The Hessian of a real-valued ``f`` of a complex array ``z`` in real
    coordinates: the ``2n × 2n`` Hessian of ``g(x, y) = f(x + iy)``, with the
    real parts of ``z.ravel()`` first, then the imaginary parts.

    >>> import numpy as np, osculate as osc
    >>> osc.real_hessian(lambda z: np.abs(z[0]) ** 2)(np.array([1.0 + 2.0j]))
    array([[2., 0.],
           [0., 2.]])
    """

    def wrapped(z):
        z = as_float_input(z, "real_hessian input", allow_complex=True)
        shape = tuple(z.shape)
        w = np.concatenate([np.real(z).ravel(), np.imag(z).ravel()]).astype(np.real(z).dtype)
        return hessian(_real_coordinates(f, shape), mode=mode)(w)

    return wrapped


def wirtinger_hessian(f, mode="fwd-rev"):
    """The Wirtinger forms ``(∂²f/∂z∂z̄, ∂²f/∂z∂z)`` of a real-valued ``f``
    of a complex array ``z``, each of shape ``z.shape + z.shape`` (see the
    module docstring).

    >>> import numpy as np, osculate as osc
    >>> h = osc.wirtinger_hessian(lambda z: np.abs(z[0]) ** 2)(np.array([1.0 + 2.0j]))
    >>> h.z_zbar, h.z_z  # |z|² = z z̄: ∂²/∂z∂z̄ = 1, ∂²/∂z² = 0
    (array([[1.+0.j]]), array([[0.+0.j]]))
    """

    def wrapped(z):
        z = as_float_input(z, "wirtinger_hessian input", allow_complex=True)
        shape = tuple(z.shape)
        n = int(np.prod(shape))
        h = np.asarray(real_hessian(f, mode)(z))
        hxx, hxy, hyx, hyy = h[:n, :n], h[:n, n:], h[n:, :n], h[n:, n:]
        z_zbar = 0.25 * (hxx + hyy) + 0.25j * (hxy - hyx)
        z_z = 0.25 * (hxx - hyy) - 0.25j * (hxy + hyx)
        return WirtingerHessian(z_zbar.reshape(shape + shape), z_z.reshape(shape + shape))

    return wrapped
