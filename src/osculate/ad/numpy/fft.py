"""``osculate.numpy.fft``: NumPy's discrete Fourier transforms on traced values.

Every function has NumPy's signature and resolves ``n``/``s``, ``axis``/
``axes`` and ``norm`` as NumPy does (padding and truncation included); the
transforms are the four primitives of :mod:`osculate.ad.prims.fft`, so
derivatives of every order, vmap, Taylor mode, jit and sparsity detection
work through them.  ``np.fft.*`` called on a traced value comes here.

>>> import numpy as np, osculate as osc
>>> power = lambda x: np.sum(np.abs(np.fft.rfft(x)) ** 2)   # the half spectrum's energy
>>> osc.hessian(power)(np.array([1.0, 2.0, 0.5, -1.0]))     # a circulant matrix
array([[6., 0., 2., 0.],
       [0., 6., 0., 2.],
       [2., 0., 6., 0.],
       [0., 2., 0., 6.]])
"""

from __future__ import annotations

import numpy as _np

from ..prims import fft as _fft
from ..prims.complex_parts import conj as _conj
from ..prims.structural import roll as _roll, shape_of as _shape

__all__ = [
    "fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
    "hfft", "ihfft", "fftshift", "ifftshift", "fftfreq", "rfftfreq",
]

fftfreq = _np.fft.fftfreq  # (sample frequencies: constants of integer arguments)
rfftfreq = _np.fft.rfftfreq


def _norm(norm):
    norm = "backward" if norm is None else norm
    if norm not in _fft.NORMS:
        raise ValueError(f'Invalid norm value {norm!r}; should be "backward", "ortho" or "forward".')
    return norm


def _resolve(a, s, axes, real_inverse=False):
    """NumPy's reading of ``s`` and ``axes``: ``(s, negative axes)``."""
    shape = _shape(a)
    nd = len(shape)
    if axes is None:
        axes = tuple(range(nd)) if s is None else tuple(range(nd - len(s), nd))
    axes = tuple(int(ax) for ax in axes)
    for ax in axes:
        if not -nd <= ax < nd:
            raise ValueError(f"axis {ax} is out of bounds for an array of dimension {nd}")
    neg = tuple(ax - nd if ax >= 0 else ax for ax in axes)
    if len(set(neg)) != len(neg):
        raise ValueError("repeated axes are not supported by osculate.numpy.fft")
    if s is None:
        s = [shape[ax] for ax in neg]
        if real_inverse:
            s[-1] = 2 * (s[-1] - 1)
    s = tuple(int(n) for n in s)
    if len(s) != len(neg):
        raise ValueError("shape and axes have different lengths")
    if any(n < 1 for n in s):
        raise ValueError(f"invalid number of data points ({min(s)}) specified")
    return s, neg


def _one(n, axis):
    return None if n is None else (n,), (axis,)


def _no_out(out, name):
    if out is not None:
        raise TypeError(f"osculate.numpy.fft.{name}: the out= argument is not supported on traced values")


def fftn(a, s=None, axes=None, norm=None, out=None):
    """The n-dimensional discrete Fourier transform (NumPy's ``fftn``)."""
    _no_out(out, "fftn")
    s, axes = _resolve(a, s, axes)
    return _fft.fft_p.bind(a, s=s, axes=axes, norm=_norm(norm))


def ifftn(a, s=None, axes=None, norm=None, out=None):
    """The n-dimensional inverse transform (NumPy's ``ifftn``)."""
    _no_out(out, "ifftn")
    s, axes = _resolve(a, s, axes)
    return _fft.ifft_p.bind(a, s=s, axes=axes, norm=_norm(norm))


def rfftn(a, s=None, axes=None, norm=None, out=None):
    """The n-dimensional transform of a real input, half spectrum along the last axis."""
    _no_out(out, "rfftn")
    s, axes = _resolve(a, s, axes)
    return _fft.rfft_p.bind(a, s=s, axes=axes, norm=_norm(norm))


def irfftn(a, s=None, axes=None, norm=None, out=None):
    """The inverse of :func:`rfftn`: a real output of lengths ``s`` (by default
    ``2 (m - 1)`` along the last axis)."""
    _no_out(out, "irfftn")
    s, axes = _resolve(a, s, axes, real_inverse=True)
    return _fft.irfft_p.bind(a, s=s, axes=axes, norm=_norm(norm))


def fft(a, n=None, axis=-1, norm=None, out=None):
    """The one-dimensional discrete Fourier transform (NumPy's ``fft``)."""
    return fftn(a, *_one(n, axis), norm=norm, out=out)


def ifft(a, n=None, axis=-1, norm=None, out=None):
    return ifftn(a, *_one(n, axis), norm=norm, out=out)


def rfft(a, n=None, axis=-1, norm=None, out=None):
    return rfftn(a, *_one(n, axis), norm=norm, out=out)


def irfft(a, n=None, axis=-1, norm=None, out=None):
    return irfftn(a, *_one(n, axis), norm=norm, out=out)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return fftn(a, s, axes, norm, out)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return ifftn(a, s, axes, norm, out)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return rfftn(a, s, axes, norm, out)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return irfftn(a, s, axes, norm, out)


_SWAPPED = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """The transform of a signal with Hermitian symmetry (a real spectrum):
    ``irfft(conj(a))`` with the opposite normalisation, as NumPy defines it."""
    _norm(norm)
    return irfft(_conj(a), n, axis, _SWAPPED[norm], out)


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """The inverse of :func:`hfft`: ``conj(rfft(a))`` with the opposite normalisation."""
    _norm(norm)
    return _conj(rfft(a, n, axis, _SWAPPED[norm], out))


def _shift(x, axes, sign):
    shape = _shape(x)
    if axes is None:
        axes = tuple(range(len(shape)))
    elif isinstance(axes, (int, _np.integer)):
        axes = (int(axes),)
    axes = tuple(int(a) % len(shape) for a in axes)
    shifts = tuple(sign * (shape[a] // 2) for a in axes)
    return _roll(x, shifts, axes)


def fftshift(x, axes=None):
    """The zero frequency moved to the centre (a roll by ``n // 2``)."""
    return _shift(x, axes, 1)


def ifftshift(x, axes=None):
    """The inverse of :func:`fftshift` (a roll by ``-(n // 2)``)."""
    return _shift(x, axes, -1)
