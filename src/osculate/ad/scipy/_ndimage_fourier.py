"""``scipy.ndimage``'s Fourier-domain filters on traced values:
``fourier_gaussian``, ``fourier_uniform``, ``fourier_ellipsoid`` and
``fourier_shift`` (re-exported by :mod:`.ndimage`).

Each takes an array that already *is* a discrete Fourier transform (of
``np.fft.fftn``, or of ``np.fft.rfft`` along ``axis`` when ``n`` gives the
length that axis had before the real transform) and multiplies it by the
transform of a kernel, sampled at the frequencies of the array's entries:
``k / N`` on each axis, with the upper half of a full transform read as the
negative frequencies ``(k - N) / N``, and ``k / n`` on the real-transformed
axis.  The multipliers are written with osculate's operations of the
frequencies (plain) and of ``sigma``, ``size`` or ``shift`` (possibly
traced), so the results are differentiable to any order in the input and in
those parameters, and work under ``vmap`` and ``jit``.  With nothing traced,
SciPy's function is called.

* ``fourier_gaussian``: ``exp(-2 pi^2 sum_k sigma_k^2 f_k^2)``;
* ``fourier_uniform``: ``prod_k sinc(size_k f_k)`` (a box of ``size`` samples);
* ``fourier_ellipsoid``: the transform of a solid ellipsoid of diameters
  ``size`` (1 to 3 dimensions, as SciPy): ``sin r / r``, ``2 J1(r) / r`` or
  ``3 (sin r - r cos r) / r^3`` with ``r = pi sqrt(sum_k (size_k f_k)^2)``;
* ``fourier_shift``: ``exp(-2 pi i sum_k shift_k f_k)`` (a complex result).

The result types are SciPy's: the first three keep float32, complex64 and
complex128 input, other input gives float64; ``fourier_shift`` gives
complex64 for complex64 input and complex128 otherwise.
"""

from __future__ import annotations

import numpy as _np
import scipy.ndimage as _snd

from .. import numpy as _o
from ..core import Tracer as _Tracer
from . import special as _special
from ._ndimage_support import _array, _axis_index, _no_output, _per_axis, _traced

__all__ = ["fourier_gaussian", "fourier_uniform", "fourier_ellipsoid", "fourier_shift"]


def _frequencies(shape, n, axis, fname):
    """The frequency (cycles per sample) of each entry along each axis, as
    arrays shaped to broadcast against the input."""
    if not isinstance(n, (int, _np.integer)) or isinstance(n, bool):
        raise TypeError(f"{fname}: n must be an integer, not {n!r}")
    nd = len(shape)
    axis = _axis_index(axis, nd, fname) if nd else 0
    out = []
    for k, m in enumerate(shape):
        j = _np.arange(m, dtype=_np.float64)
        if k == axis and n >= 0:
            if n == 0:
                raise ValueError(f"{fname}: n must be positive (the axis length before the real transform) or -1")
            f = j / n
        else:
            f = _np.where(j < (m + 1) // 2, j, j - m) / max(m, 1)
        out.append(f.reshape((1,) * k + (m,) + (1,) * (nd - k - 1)))
    return out


def _parameters(value, nd, fname, what):
    """One (possibly traced) number per axis."""
    if isinstance(value, _Tracer) and _np.ndim(value) == 1:
        value = [value[i] for i in range(_np.shape(value)[0])]
    return _per_axis(value, nd, fname, what)


def _prepare(input, value, n, axis, output, fname, what):  # noqa: A002
    _no_output(output, fname)
    x = _array(input, fname)
    if _np.ndim(x) == 0:
        raise RuntimeError(f"{fname}: the input must have at least one dimension")
    freqs = _frequencies(_np.shape(x), n, axis, fname)
    return x, freqs, _parameters(value, _np.ndim(x), fname, what)


def _real_result(x, multiplier):
    """``x * multiplier`` in SciPy's result type for the real-kernel filters."""
    dtype = _np.dtype(x.dtype)
    if dtype.kind not in "fc":
        x = _o.astype(x, _np.float64) if isinstance(x, _Tracer) else x.astype(_np.float64)
    out = x * multiplier
    want = dtype if dtype in (_np.dtype(_np.float32), _np.dtype(_np.complex64), _np.dtype(_np.complex128)) \
        else _np.dtype(_np.float64)
    return out if _np.dtype(out.dtype) == want else _o.astype(out, want)


def fourier_gaussian(input, sigma, n=-1, axis=-1, output=None):  # noqa: A002
    """The Fourier transform ``input`` multiplied by that of a Gaussian of
    standard deviations ``sigma`` (one per axis, or one for all), as
    :func:`scipy.ndimage.fourier_gaussian`: ``exp(-2 pi^2 sum_k sigma_k^2 f_k^2)``.

    Differentiable in ``input`` and ``sigma``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import ndimage
    >>> ndimage.fourier_gaussian(np.ones(4), 0.5)
    array([1.        , 0.73460294, 0.29121293, 0.73460294])
    >>> d = osc.grad(lambda s: ndimage.fourier_gaussian(np.ones(4), s)[2])(0.5)
    >>> bool(np.isclose(d, -np.pi ** 2 * 0.5 * np.exp(-np.pi ** 2 * 0.5 ** 2 / 2)))   # f = 1/2
    True
    """
    fname = "fourier_gaussian"
    if not _traced(input, sigma):
        return _snd.fourier_gaussian(input, sigma, n=n, axis=axis, output=output)
    x, freqs, sigmas = _prepare(input, sigma, n, axis, output, fname, "sigma")
    exponent = 0.0
    for f, s in zip(freqs, sigmas):
        exponent = exponent + (-2.0 * _np.pi ** 2) * (s * s) * (f * f)
    return _real_result(x, _o.exp(exponent))


def fourier_uniform(input, size, n=-1, axis=-1, output=None):  # noqa: A002
    """The Fourier transform ``input`` multiplied by that of a box filter of
    ``size`` samples (one per axis, or one for all), as
    :func:`scipy.ndimage.fourier_uniform`: ``prod_k sinc(size_k f_k)``.

    Differentiable in ``input`` and ``size``.

    >>> import numpy as np
    >>> from osculate.scipy import ndimage
    >>> np.round(ndimage.fourier_uniform(np.ones(4), 2.0), 12) + 0.0
    array([1.        , 0.63661977, 0.        , 0.63661977])
    """
    fname = "fourier_uniform"
    if not _traced(input, size):
        return _snd.fourier_uniform(input, size, n=n, axis=axis, output=output)
    x, freqs, sizes = _prepare(input, size, n, axis, output, fname, "size")
    multiplier = 1.0
    for f, s in zip(freqs, sizes):
        multiplier = multiplier * _sin_ratio(f, _np.pi * f * s)
    return _real_result(x, multiplier)


def _sin_ratio(f, t):
    """``sin t / t`` for ``t`` proportional to the frequencies ``f``, with its
    value 1 (and zero derivatives) at the zero frequency: the division is made
    on a safe argument there, so no NaN reaches the derivatives."""
    zero = f == 0
    safe = _o.where(zero, 1.0, t)
    return _o.where(zero, 1.0, _o.sin(safe) / safe)


def fourier_ellipsoid(input, size, n=-1, axis=-1, output=None):  # noqa: A002
    """The Fourier transform ``input`` multiplied by that of a solid ellipsoid
    of diameters ``size`` (one per axis, or one for all; inputs of 1 to 3
    dimensions), as :func:`scipy.ndimage.fourier_ellipsoid`.

    With ``r = pi sqrt(sum_k (size_k f_k)^2)`` the multiplier is ``sin r / r``
    in one dimension, ``2 J1(r) / r`` in two and ``3 (sin r - r cos r) / r^3``
    in three (each 1 at ``r = 0``, where its derivative in ``size`` is 0).
    Differentiable in ``input`` and ``size``.

    >>> import numpy as np
    >>> from osculate.scipy import ndimage
    >>> np.round(ndimage.fourier_ellipsoid(np.ones((2, 2)), 1.0), 6)
    array([[1.      , 0.721703],
           [0.721703, 0.497717]])
    """
    fname = "fourier_ellipsoid"
    if not _traced(input, size):
        return _snd.fourier_ellipsoid(input, size, n=n, axis=axis, output=output)
    x, freqs, sizes = _prepare(input, size, n, axis, output, fname, "size")
    nd = len(freqs)
    if nd > 3:
        raise NotImplementedError(f"{fname}: only 1-d, 2-d and 3-d inputs are supported (as in SciPy)")
    if nd == 1:
        return _real_result(x, _sin_ratio(freqs[0], _np.pi * freqs[0] * sizes[0]))
    r2 = 0.0
    for f, s in zip(freqs, sizes):
        r2 = r2 + (_np.pi * f * s) ** 2
    zero = _np.ones((), dtype=bool)  # the zero frequency, where r2 vanishes whatever the sizes
    for f in freqs:
        zero = zero & (f == 0)
    r = _o.sqrt(_o.where(zero, 1.0, r2))
    if nd == 2:
        ratio = 2.0 * _special.j1(r) / r
    else:
        ratio = 3.0 * (_o.sin(r) - r * _o.cos(r)) / (r * r * r)
    return _real_result(x, _o.where(zero, 1.0, ratio))


def fourier_shift(input, shift, n=-1, axis=-1, output=None):  # noqa: A002
    """The Fourier transform ``input`` multiplied by that of a shift by
    ``shift`` samples (one per axis, or one for all), as
    :func:`scipy.ndimage.fourier_shift`: ``exp(-2 pi i sum_k shift_k f_k)``;
    the result is complex (complex64 for complex64 input, else complex128).

    Differentiable in ``input`` and ``shift`` (a sub-sample shift of a
    signal is then differentiable through ``np.fft.ifftn``).

    >>> import numpy as np
    >>> from osculate.scipy import ndimage
    >>> x = np.array([0.0, 1.0, 0.0, 0.0])
    >>> np.round(np.fft.ifft(ndimage.fourier_shift(np.fft.fft(x), 1.0)).real, 12) + 0.0
    array([0., 0., 1., 0.])
    """
    fname = "fourier_shift"
    if not _traced(input, shift):
        return _snd.fourier_shift(input, shift, n=n, axis=axis, output=output)
    x, freqs, shifts = _prepare(input, shift, n, axis, output, fname, "shift")
    phase = 0.0
    for f, s in zip(freqs, shifts):
        phase = phase + f * s
    turn = _o.exp(-2j * _np.pi * phase)
    want = _np.dtype(_np.complex64) if _np.dtype(x.dtype) == _np.complex64 else _np.dtype(_np.complex128)
    if _np.dtype(x.dtype).kind not in "fc":
        x = _o.astype(x, _np.float64) if isinstance(x, _Tracer) else x.astype(_np.float64)
    out = x * turn
    return out if _np.dtype(out.dtype) == want else _o.astype(out, want)
