"""``scipy.signal``'s convolutions and linear filters on traced values, with SciPy's signatures.

SciPy's signal functions convert their input with ``np.asarray``, so plain
``scipy.signal.convolve(tracer, ...)`` cannot see a traced value (its error
names this module).  These are written with osculate's operations, so each
is differentiable to any order in every array argument and works under
``vmap`` and ``jit``:

* ``convolve``/``correlate`` (n-d, ``mode`` full/same/valid, ``method``
  direct/fft/auto), ``fftconvolve`` and ``oaconvolve`` (the FFT route): the
  direct method gathers every window and contracts it with the other input,
  the FFT one multiplies (real or complex) transforms;
* ``lfilter`` (differentiable in ``b``, ``a``, ``x`` and ``zi``),
  ``lfilter_zi``, ``filtfilt``, ``sosfilt``, ``sosfilt_zi`` and
  ``sosfiltfilt``: the recursion
  ``sum_j a[j] y[n-j] = sum_j b[j] x[n-j]`` is a lower-triangular banded
  Toeplitz system, solved block by block (blocks of a few hundred samples)
  with triangular solves, so the time loop is a handful of array operations
  (``filtfilt``'s ``method='gust'`` adds one small least-squares solve);
* ``hilbert`` and ``hilbert2`` (the analytic signal, by FFT), ``envelope``
  (of a band of the analytic signal, with the residual), ``savgol_coeffs``,
  ``savgol_filter`` (every ``mode``) and ``detrend``;
* ``convolve2d``/``correlate2d`` (every ``mode`` and ``boundary``, a
  traced ``fillvalue`` too), ``deconvolve`` (polynomial division by
  filtering an impulse) and ``lfiltic`` (the filter state continuing given
  past inputs and outputs);
* the piecewise filters ``medfilt``, ``medfilt2d``, ``order_filter`` (the
  derivative is that of the sample each window picks) and ``wiener`` (the
  branch, local mean or shrunk sample, is chosen by the values);
* resampling: ``upfirdn`` (polyphase, every extension mode), ``resample``
  (by FFT, with a window and times), ``resample_poly`` (in
  :mod:`._resample`) and ``decimate`` (IIR or FIR, zero phase or not);
* averaged spectra by Welch's method: ``csd``, ``welch``, ``periodogram``
  and ``coherence``; the short-time transforms ``stft``, ``istft`` (by
  overlap-add) and ``spectrogram`` (every ``mode``); the Lomb-Scargle
  periodogram ``lombscargle`` (differentiable in the samples, the times, the
  frequencies and the weights) (in :mod:`._spectral`);
* frequency responses (complex): ``freqz``, ``freqz_sos``/``sosfreqz``
  and ``freqs``; simulations of linear systems, differentiable in the
  system's coefficients and the input: ``dlsim``, ``dimpulse``, ``dstep``
  (a blocked state recursion) and ``lsim`` (zero- or first-order hold, by
  the matrix exponential), ``impulse``, ``step`` (in :mod:`._ltisys`);
* the waveforms ``chirp``, ``gausspulse``, ``sawtooth``, ``square`` and
  ``unit_impulse`` (in :mod:`._waveforms`);
* filter design on traced parameters (cut-offs, ripples, ``Q``, ``fs``; the
  order is plain): ``butter``, ``cheby1``, ``cheby2``, ``ellip`` (traced
  ``Wn``), ``bessel``, ``iirfilter``, ``iirnotch``, ``iirpeak``,
  ``iircomb``, the prototypes ``buttap``, ``cheb1ap``, ``cheb2ap``, the
  transforms ``lp2lp``, ``lp2hp``, ``lp2bp``, ``lp2bs`` (and ``_zpk``),
  ``bilinear``, ``bilinear_zpk``, the conversions ``zpk2tf``, ``tf2zpk``,
  ``normalize``, ``zpk2sos`` (SciPy's pairing, chosen on the values),
  ``sos2tf``, ``sos2zpk``, ``tf2sos``, and the FIR designs ``firwin``,
  ``firwin2`` and ``firls`` (in :mod:`._filter_design`).

>>> import numpy as np, osculate as osc
>>> from osculate.scipy import signal
>>> signal.convolve(np.array([1.0, 2.0]), np.array([1.0, 1.0, 1.0]))
array([1., 3., 3., 2.])
>>> osc.grad(lambda a1: signal.lfilter([1.0], [1.0, a1], np.ones(3))[-1])(-0.5)
array(-2.)
"""

from __future__ import annotations

import math as _math
import numbers as _numbers

import numpy as _np
from scipy import fft as _scipy_fft

from .. import numpy as _o
from ..core import ConcretizationError, Tracer as _Tracer, concrete as _concrete
from ..util import lazy_module as _lazy_module
from . import ndimage as _nd
from ._filter_design import (bessel, bilinear, bilinear_zpk, buttap, butter, cheb1ap, cheb2ap, cheby1, cheby2, ellip,
                             firls, firwin, firwin2, iircomb, iirfilter, iirnotch, iirpeak, lp2bp, lp2bp_zpk, lp2bs,
                             lp2bs_zpk, lp2hp, lp2hp_zpk, lp2lp, lp2lp_zpk, normalize, sos2tf, sos2zpk, tf2sos, tf2zpk,
                             zpk2sos, zpk2tf)
from ._ltisys import _sections, dimpulse, dlsim, dstep, freqs, freqz, freqz_sos, impulse, lsim, sosfreqz, step
from ._resample import resample, resample_poly, upfirdn
from ._spectral import coherence, csd, istft, lombscargle, periodogram, spectrogram, stft, welch
from ._waveforms import chirp, gausspulse, sawtooth, square, unit_impulse
from .linalg import solve_triangular as _solve_triangular

_scipy_signal = _lazy_module("scipy.signal")  # (scipy.signal imports scipy.stats: read on first use)

__all__ = [
    "convolve", "correlate", "fftconvolve", "oaconvolve", "lfilter", "lfilter_zi", "filtfilt", "sosfilt",
    "sosfilt_zi", "sosfiltfilt", "hilbert", "savgol_coeffs", "savgol_filter", "detrend", "convolve2d",
    "correlate2d", "medfilt", "medfilt2d", "order_filter", "wiener", "deconvolve", "lfiltic",
    "chirp", "gausspulse", "sawtooth", "square", "unit_impulse", "upfirdn", "resample", "resample_poly",
    "decimate", "freqz", "freqz_sos", "sosfreqz", "freqs", "csd", "welch", "periodogram", "coherence",
    "stft", "istft", "spectrogram", "lombscargle", "hilbert2", "envelope", "dlsim", "dimpulse", "dstep", "lsim", "impulse", "step",
    "zpk2tf", "tf2zpk", "normalize", "zpk2sos", "sos2tf", "sos2zpk", "tf2sos", "bilinear", "bilinear_zpk",
    "lp2lp", "lp2hp", "lp2bp", "lp2bs", "lp2lp_zpk", "lp2hp_zpk", "lp2bp_zpk", "lp2bs_zpk", "buttap", "cheb1ap",
    "cheb2ap", "iirfilter", "butter", "cheby1", "cheby2", "ellip", "bessel", "iirnotch", "iirpeak", "iircomb",
    "firwin", "firwin2", "firls",
]

#: the direct method of ``method='auto'`` gathers ``output size x window size``
#: values; above this many the FFT route is taken instead
_DIRECT_LIMIT = 1 << 20

#: the length of the time blocks of ``lfilter``'s triangular solves
_BLOCK = 256


# --------------------------------------------------------------------------- helpers

def _array(x, fname, what):
    return _nd._array(x, fname, what)


def _is_complex(x):
    return _np.dtype(x.dtype).kind == "c"


def _flip_all(x):
    return _o.flip(x, tuple(range(_np.ndim(x)))) if _np.ndim(x) else x


def _check_mode(mode, fname):
    if mode not in ("full", "same", "valid"):
        raise ValueError(f"{fname}: mode must be 'full', 'same' or 'valid', not {mode!r}")


def _out_window(n1, n2, mode):
    """(start, length) of the ``mode`` output on one axis within the full
    result (length ``n1 + n2 - 1``)."""
    full = n1 + n2 - 1
    if mode == "full":
        return 0, full
    length = n1 if mode == "same" else abs(n1 - n2) + 1
    return (full - length) // 2, length


def _check_valid(s1, s2, fname):
    if not (all(a >= b for a, b in zip(s1, s2)) or all(a <= b for a, b in zip(s1, s2))):
        raise ValueError(f"{fname}: for 'valid' mode, one of in1 and in2 must be at least as large as the other "
                         "in every dimension")


def _slice_axes(x, axes, starts, lengths):
    index = [slice(None)] * _np.ndim(x)
    for a, s, n in zip(axes, starts, lengths):
        index[a] = slice(s, s + n)
    return x[tuple(index)]


def _direct(in1, in2, mode, flip):
    """``in1`` against ``in2`` by gathering windows: the convolution
    (``flip``) or the correlation (``in2`` conjugated), the ``mode`` part only."""
    s1, s2 = _np.shape(in1), _np.shape(in2)
    data, w = (in1, _flip_all(in2)) if flip else (in1, _nd._conj(in2))
    if flip and _np.size(in2) > _np.size(in1):  # the full convolution is symmetric: gather the smaller window
        data, w = in2, _flip_all(in1)
    starts, lengths = [], []
    for n1, n2, k in zip(s1, s2, _np.shape(w)):
        offset, length = _out_window(n1, n2, mode)  # the part of the full result `mode` keeps
        starts.append(offset - (k - 1))
        lengths.append(length)
    axes = list(range(len(s1)))
    return _nd._windows(data, w, axes, starts, lengths, ["constant"] * len(axes), 0)


def _fft_full(in1, in2, axes):
    """The full linear convolution over ``axes`` by FFT (the other axes broadcast)."""
    s1, s2 = _np.shape(in1), _np.shape(in2)
    sizes = [s1[a] + s2[a] - 1 for a in axes]
    real = not (_is_complex(in1) or _is_complex(in2))
    fast = [_scipy_fft.next_fast_len(n, real) for n in sizes]
    if real:
        prod = _o.fft.rfftn(in1, fast, axes) * _o.fft.rfftn(in2, fast, axes)
        full = _o.fft.irfftn(prod, fast, axes)
    else:
        full = _o.fft.ifftn(_o.fft.fftn(in1, fast, axes) * _o.fft.fftn(in2, fast, axes), fast, axes)
    return _slice_axes(full, axes, [0] * len(axes), sizes)


def _fft_mode(in1, in2, mode, axes, fname):
    s1, s2 = _np.shape(in1), _np.shape(in2)
    if mode == "valid":
        _check_valid([s1[a] for a in axes], [s2[a] for a in axes], fname)
    full = _fft_full(in1, in2, axes)
    starts, lengths = zip(*[_out_window(s1[a], s2[a], mode) for a in axes]) if axes else ((), ())
    return _slice_axes(full, axes, starts, lengths)


def _float_pair(in1, in2):
    """Integer (and boolean) inputs as float64, as SciPy's FFT route returns them."""
    fix = lambda x: x if isinstance(x, _Tracer) or x.dtype.kind in "fc" else x.astype(_np.float64)  # noqa: E731
    return fix(in1), fix(in2)


def _pair(in1, in2, fname):
    in1, in2 = _array(in1, fname, "in1"), _array(in2, fname, "in2")
    if _np.ndim(in1) != _np.ndim(in2):
        raise ValueError(f"{fname}: in1 and in2 should have the same dimensionality")
    if _np.size(in1) == 0 or _np.size(in2) == 0:
        raise ValueError(f"{fname}: in1 and in2 must not be empty")
    return in1, in2


def _fft_axes(in1, in2, axes, fname):
    nd = _np.ndim(in1)
    if axes is None:
        axes = list(range(nd))
    else:
        axes = [axes] if isinstance(axes, (int, _np.integer)) else list(axes)
        axes = [_nd._axis_index(a, nd, fname, "axes entry") for a in axes]
        if len(set(axes)) != len(axes):
            raise ValueError(f"{fname}: axes must be unique")
    s1, s2 = _np.shape(in1), _np.shape(in2)
    for a in range(nd):
        if a not in axes and s1[a] != s2[a] and s1[a] != 1 and s2[a] != 1:
            raise ValueError(f"{fname}: incompatible shapes for in1 and in2: {s1} and {s2} (axis {a} is not "
                             "convolved and must match or be 1)")
    return sorted(axes)


# --------------------------------------------------------------------------- convolutions

def fftconvolve(in1, in2, mode="full", axes=None):
    """Convolve two n-d arrays by FFT, as :func:`scipy.signal.fftconvolve`
    (over ``axes``, all by default; the other axes broadcast).

    Differentiable in both inputs, real or complex.

    >>> import numpy as np
    >>> from osculate.scipy.signal import fftconvolve
    >>> fftconvolve(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]), mode="same").round(12)
    array([1. , 2.5, 4. ])
    """
    fname = "fftconvolve"
    in1, in2 = _pair(in1, in2, fname)
    _check_mode(mode, fname)
    in1, in2 = _float_pair(in1, in2)
    return _fft_mode(in1, in2, mode, _fft_axes(in1, in2, axes, fname), fname)


def oaconvolve(in1, in2, mode="full", axes=None):
    """Convolve two n-d arrays, as :func:`scipy.signal.oaconvolve`.

    SciPy's overlap-add is a way of computing the FFT convolution in
    pieces; here it is the same single FFT product as :func:`fftconvolve`
    (the same values, to rounding).

    >>> import numpy as np
    >>> from osculate.scipy.signal import oaconvolve
    >>> oaconvolve(np.array([1.0, 2.0]), np.array([1.0, -1.0])).round(12)
    array([ 1.,  1., -2.])
    """
    fname = "oaconvolve"
    in1, in2 = _pair(in1, in2, fname)
    _check_mode(mode, fname)
    in1, in2 = _float_pair(in1, in2)
    return _fft_mode(in1, in2, mode, _fft_axes(in1, in2, axes, fname), fname)


def _choose(in1, in2, mode, method, fname):
    if method not in ("auto", "direct", "fft"):
        raise ValueError(f"{fname}: method must be 'auto', 'direct' or 'fft', not {method!r}")
    if method != "auto":
        return method
    if any(_np.dtype(x.dtype).kind not in "fc" for x in (in1, in2)):
        return "direct"  # integers stay exact (and integer) on the direct route, as in SciPy
    out = _np.prod([_out_window(a, b, mode)[1] for a, b in zip(_np.shape(in1), _np.shape(in2))])
    return "direct" if out * _np.size(in2) <= _DIRECT_LIMIT else "fft"


def convolve(in1, in2, mode="full", method="auto"):
    """Convolve two n-d arrays, as :func:`scipy.signal.convolve`.

    ``method='direct'`` sums the products of every window (exact for
    integers), ``'fft'`` multiplies transforms, ``'auto'`` takes the direct
    route unless it would gather more than about a million values.
    Differentiable in both inputs, real or complex.

    >>> import numpy as np
    >>> from osculate.scipy.signal import convolve
    >>> convolve(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]), mode="same")
    array([1. , 2.5, 4. ])
    """
    fname = "convolve"
    in1, in2 = _pair(in1, in2, fname)
    _check_mode(mode, fname)
    if mode == "valid":
        _check_valid(_np.shape(in1), _np.shape(in2), fname)
    if _choose(in1, in2, mode, method, fname) == "fft":
        in1, in2 = _float_pair(in1, in2)
        return _fft_mode(in1, in2, mode, list(range(_np.ndim(in1))), fname)
    return _direct(in1, in2, mode, flip=True)


def correlate(in1, in2, mode="full", method="auto"):
    """Cross-correlate two n-d arrays, as :func:`scipy.signal.correlate`:
    ``z[k] = sum_l in1[l] * conj(in2[l - k + N - 1])`` (``N`` the length of
    ``in2`` on each axis), the ``mode`` part of it.

    >>> import numpy as np
    >>> from osculate.scipy.signal import correlate
    >>> correlate(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]))
    array([0.5, 2. , 3.5, 3. , 0. ])
    """
    fname = "correlate"
    in1, in2 = _pair(in1, in2, fname)
    _check_mode(mode, fname)
    if mode == "valid":
        _check_valid(_np.shape(in1), _np.shape(in2), fname)
    if _choose(in1, in2, mode, method, fname) == "fft":
        in1, in2 = _float_pair(in1, in2)
        return _fft_mode(in1, _nd._conj(_flip_all(in2)), mode, list(range(_np.ndim(in1))), fname)
    return _direct(in1, in2, mode, flip=False)


# --------------------------------------------------------------------------- IIR filters

def _coefficients(c, fname, what):
    c = _array(c, fname, what)
    if _np.ndim(c) == 0:
        c = _o.reshape(c, (1,)) if isinstance(c, _Tracer) else _np.reshape(c, (1,))
    if _np.ndim(c) != 1 or _np.shape(c)[0] == 0:
        raise ValueError(f"{fname}: {what} must be a non-empty 1-d array of coefficients, not shape {_np.shape(c)}")
    if not isinstance(c, _Tracer) and c.dtype.kind not in "fc":
        c = c.astype(_np.float64)
    return c


def _pad_to(c, n):
    k = _np.shape(c)[0]
    return c if k == n else _o.concatenate([c, _np.zeros(n - k, dtype=c.dtype)])


def _normalized(b, a, fname):
    """``b / a[0]``, ``a / a[0]`` (a plain ``a[0]`` of zero is an error; a traced
    one is divided by as it is, since a staged program cannot look at it)."""
    if isinstance(a, _Tracer):
        return b / a[0], a / a[0]
    if a[0] == 0:
        raise ValueError(f"{fname}: a[0] must not be zero")
    return (b, a) if a[0] == 1 else (b / a[0], a / a[0])


def _toeplitz_lower(c, n):
    """The ``n x n`` lower-triangular Toeplitz matrix with first column ``c``
    (zero below ``len(c)``); ``c`` may be traced."""
    k = _np.shape(c)[0]
    lag = _np.arange(n)[:, None] - _np.arange(n)[None, :]
    inside = (lag >= 0) & (lag < k)
    return _o.where(inside, _o.take(c, _np.clip(lag, 0, k - 1)), 0.0)


def _fir_along_last(x, b):
    """``sum_j b[j] x[..., n - j]`` for ``n`` in ``range(len + extra)`` with
    ``extra = len(b) - 1`` (zeros before the start and after the end)."""
    k, n = _np.shape(b)[0], _np.shape(x)[-1]
    nd = _np.ndim(x)
    return _nd._windows(x, _o.flip(b, 0), [nd - 1], [-(k - 1)], [n + k - 1], ["constant"], 0.0)


def _ar_solve(rhs, a):
    """``y`` with ``sum_j a[j] y[..., n - j] = rhs[..., n]`` (``a[0] == 1``),
    block by block along the last axis."""
    p = _np.shape(a)[0] - 1
    shape = _np.shape(rhs)
    n = shape[-1]
    if p == 0 or n == 0:
        return rhs
    cols = _o.reshape(rhs, (-1, n)).T  # time down the rows
    block = min(n, max(_BLOCK, p))
    tri = _toeplitz_lower(a, block)
    lag = _np.arange(block)[:, None] + p - _np.arange(p)[None, :]  # the lag from each of the p previous outputs
    inside = lag <= p
    carry = _o.where(inside, _o.take(a, _np.clip(lag, 0, p)), 0.0)  # (block, p)
    pieces = []
    for s in range(0, n, block):
        m = min(block, n - s)
        r = cols[s:s + m]
        if s:
            prev = pieces[-1][-p:] if _np.shape(pieces[-1])[0] >= p else _o.concatenate(pieces)[-p:]
            r = r - _o.matmul(carry[:m], prev)
        pieces.append(_solve_triangular(tri[:m, :m], r, lower=True))
    y = pieces[0] if len(pieces) == 1 else _o.concatenate(pieces, axis=0)
    return _o.reshape(y.T, shape)


def lfilter(b, a, x, axis=-1, zi=None):
    """Filter ``x`` along ``axis`` with the rational transfer function ``b / a``,
    as :func:`scipy.signal.lfilter`:
    ``a[0] y[n] = sum_j b[j] x[n-j] - sum_{j>=1} a[j] y[n-j]``.

    ``zi`` is the initial state of SciPy's direct form II transposed
    (shape of ``x`` with ``axis`` of length ``max(len(a), len(b)) - 1``);
    with it the final state is returned too, ``(y, zf)``.  Differentiable in
    ``b``, ``a``, ``x`` and ``zi``; a scalar ``a`` is a plain convolution.

    >>> import numpy as np
    >>> from osculate.scipy.signal import lfilter
    >>> lfilter([1.0], [1.0, -0.5], np.array([1.0, 0.0, 0.0, 0.0]))
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    fname = "lfilter"
    b, a = _coefficients(b, fname, "b"), _coefficients(a, fname, "a")
    x = _array(x, fname, "x")
    if not isinstance(x, _Tracer) and x.dtype.kind not in "fc":
        x = x.astype(_np.float64)
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: x must be at least 1-d")
    axis = _nd._axis_index(axis, _np.ndim(x), fname)
    b, a = _normalized(b, a, fname)
    order = max(_np.shape(a)[0], _np.shape(b)[0]) - 1
    b, a = _pad_to(b, order + 1), _pad_to(a, order + 1)
    xl = _o.moveaxis(x, axis, -1)
    n = _np.shape(xl)[-1]
    lead = _np.shape(xl)[:-1]
    if zi is not None:
        zi = _array(zi, fname, "zi")
        want = _np.shape(x)[:axis] + (order,) + _np.shape(x)[axis + 1:]
        got = _np.shape(zi)
        if len(got) != len(want) or got[axis] != order or any(g not in (1, w) for g, w in zip(got, want)):
            raise ValueError(f"{fname}: zi must have shape {want} (x's shape with axis {axis} of length "
                             f"max(len(a), len(b)) - 1 = {order}; other lengths may be 1), not {got}")
        if got != want:
            zi = _o.broadcast_to(zi, want)
    if n == 0:  # nothing to filter: the state passes through
        out = x * b[0]
        return out if zi is None else (out, zi)
    if order == 0:
        y = xl * b[0]
        out = _o.moveaxis(y, -1, axis)
        return out if zi is None else (out, zi)
    # rhs[n] = sum_j b[j] x[n - j] (+ zi[n] for n < order), for n < len(x) + order (the tail gives zf)
    rhs = _fir_along_last(xl, b)
    if zi is not None:
        rhs = rhs + _o.concatenate([_o.moveaxis(zi, axis, -1), _np.zeros(lead + (n,))], axis=-1)
    y = _ar_solve(rhs[..., :n], a)
    out = _o.moveaxis(y, -1, axis)
    if zi is None:
        return out
    # the final state: what the recursion adds to the `order` outputs after the end of x
    zf = rhs[..., n:] - _fir_along_last(y, a)[..., n:]
    return out, _o.moveaxis(zf, -1, axis)


def lfilter_zi(b, a):
    """The initial state of :func:`lfilter` for the steady state of a step
    input, as :func:`scipy.signal.lfilter_zi` (``lfilter(b, a, c * ones, zi=c * zi)``
    starts at its final value).  Differentiable in ``b`` and ``a``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import lfilter_zi
    >>> lfilter_zi([0.5, 0.5], [1.0, -0.5])
    array([1.5])
    """
    fname = "lfilter_zi"
    b, a = _coefficients(b, fname, "b"), _coefficients(a, fname, "a")
    b, a = _normalized(b, a, fname)
    n = max(_np.shape(a)[0], _np.shape(b)[0])
    b, a = _pad_to(b, n), _pad_to(a, n)
    if n == 1:
        return _np.zeros(0)
    # (I - C^T) zi = b[1:] - a[1:] b[0], C the companion matrix of a: first column a[1:], -1 on the superdiagonal
    e0 = _np.zeros(n - 1)
    e0[0] = 1.0
    m = _np.eye(n - 1) - _np.eye(n - 1, k=1) + _o.outer(a[1:], e0)
    return _o.linalg.solve(m, b[1:] - a[1:] * b[0])


def _extend(x, edge, padtype, axis):
    """``x`` extended by ``edge`` samples each side along ``axis``: ``'odd'``
    (point-reflected about the end values), ``'even'`` (mirrored) or
    ``'constant'`` (the end values repeated); NumPy's ``pad`` modes."""
    if edge == 0 or padtype is None:
        return x
    widths = [(0, 0)] * _np.ndim(x)
    widths[axis] = (edge, edge)
    if padtype == "constant":
        return _o.pad(x, widths, mode="edge")
    return _o.pad(x, widths, mode="reflect", reflect_type=padtype)


def filtfilt(b, a, x, axis=-1, padtype="odd", padlen=None, method="pad", irlen=None):
    """Filter forward then backward (zero phase), as :func:`scipy.signal.filtfilt`.

    ``method='pad'``: ``x`` is extended by ``padlen`` samples each side
    (``3 * max(len(a), len(b))`` by default) of type ``padtype`` (``'odd'``,
    ``'even'``, ``'constant'`` or None), and each pass starts from the
    steady state of its first value.  ``method='gust'``: Gustafsson's
    initial states, chosen so that forward-backward and backward-forward
    filtering agree (``irlen`` truncates the impulse response).
    Differentiable in ``b``, ``a`` and ``x``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import filtfilt
    >>> filtfilt([0.5, 0.5], [1.0], np.array([0.0, 1.0, 2.0, 3.0, 4.0]), padlen=1)
    array([0., 1., 2., 3., 4.])
    """
    fname = "filtfilt"
    if method not in ("pad", "gust"):
        raise ValueError(f"{fname}: method must be 'pad' or 'gust', not {method!r}")
    b, a = _coefficients(b, fname, "b"), _coefficients(a, fname, "a")
    if method == "gust":
        return _gustafsson(b, a, x, axis, irlen, fname)
    x, axis, edge = _padding(x, axis, padtype, padlen, max(_np.shape(a)[0], _np.shape(b)[0]), fname)
    zi = _state_along(lfilter_zi(b, a), _np.ndim(x), axis)
    return _forward_backward(lambda u, z: lfilter(b, a, u, axis, zi=z), x, axis, zi, edge, padtype)


def _gustafsson(b, a, x, axis, irlen, fname):
    """Gustafsson's forward-backward filter: the initial states of the forward
    and the backward pass that make filtering forward-then-backward and
    backward-then-forward agree best (in least squares), so that no padding
    is needed.

    With ``O`` the outputs of the filter started from each unit state on a
    zero input (one column per state) and ``S`` those outputs reversed and
    filtered again, the forward-backward output from states ``(s0, s1)`` is
    ``y_fb + [S^R, O^R] (s0, s1)`` and the backward-forward one
    ``y_bf + [O, S] (s0, s1)`` (``^R``: rows reversed; ``y_fb``, ``y_bf`` from
    zero states).  ``irlen`` keeps only the first ``irlen`` samples of the
    responses, which then touch only the two ends."""
    x = _array(x, fname, "x")
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: x must be at least 1-d")
    if not isinstance(x, _Tracer) and x.dtype.kind not in "fc":
        x = x.astype(_np.float64)
    axis = _nd._axis_index(axis, _np.ndim(x), fname)
    order = max(_np.shape(a)[0], _np.shape(b)[0]) - 1
    if order == 0:
        return x * (b[0] / a[0]) ** 2
    xl = _o.moveaxis(x, axis, -1)
    n = _np.shape(xl)[-1]
    m = n if irlen is None or n <= 2 * irlen else int(irlen)

    def run(u):
        return lfilter(b, a, u)

    def backward(u):
        return _o.flip(run(_o.flip(u, -1)), -1)

    resp = lfilter(b, a, _np.zeros((order, m)), zi=_np.eye(order))[0]  # row k: the output from unit state k
    obs = resp.T  # (m, order)
    again = run(_o.flip(resp, -1)).T  # the responses reversed and filtered: S
    obs_r, again_r = _o.flip(obs, 0), _o.flip(again, 0)
    y_fb = backward(run(xl))
    y_bf = run(backward(xl))
    if m == n:
        lhs = _o.concatenate([again_r - obs, obs_r - again], axis=1)
        rhs = y_bf - y_fb
        weights = _o.concatenate([again_r, obs_r], axis=1)
    else:  # the states act on the first and on the last m samples only
        z = _np.zeros((m, order))
        lhs = _o.concatenate([_o.concatenate([again_r - obs, z], axis=1),
                              _o.concatenate([z, obs_r - again], axis=1)], axis=0)
        diff = y_bf - y_fb
        rhs = _o.concatenate([diff[..., :m], diff[..., n - m:]], axis=-1)
        weights = _o.concatenate([_o.concatenate([again_r, z], axis=1), _o.concatenate([z, obs_r], axis=1)], axis=0)
    q, r = _o.linalg.qr(lhs)  # least squares (lhs has full column rank)
    lead = _np.shape(rhs)[:-1]
    cols = _o.reshape(rhs, (-1, _np.shape(rhs)[-1])).T
    states = _solve_triangular(r, _o.matmul(q.T, cols))  # (2 order, batch)
    fix = _o.reshape(_o.matmul(weights, states).T, lead + (_np.shape(weights)[0],))
    if m == n:
        y = y_fb + fix
    else:
        middle = y_fb[..., m:n - m]
        y = _o.concatenate([y_fb[..., :m] + fix[..., :m], middle, y_fb[..., n - m:] + fix[..., m:]], axis=-1)
    return _o.moveaxis(y, -1, axis)


def _padding(x, axis, padtype, padlen, ntaps, fname):
    """``x`` checked, its axis, and the pad length of the forward-backward filters."""
    if padtype not in ("odd", "even", "constant", None):
        raise ValueError(f"{fname}: padtype must be 'odd', 'even', 'constant' or None, not {padtype!r}")
    x = _array(x, fname, "x")
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: x must be at least 1-d")
    if not isinstance(x, _Tracer) and x.dtype.kind not in "fc":
        x = x.astype(_np.float64)
    axis = _nd._axis_index(axis, _np.ndim(x), fname)
    edge = 0 if padtype is None else (3 * ntaps if padlen is None else int(padlen))
    if edge < 0:
        raise ValueError(f"{fname}: padlen must be nonnegative, not {padlen!r}")
    if _np.shape(x)[axis] <= edge:
        raise ValueError(f"{fname}: the length of x along axis ({_np.shape(x)[axis]}) must be greater than padlen, "
                         f"which is {edge}")
    return x, axis, edge


def _forward_backward(run, x, axis, zi, edge, padtype):
    """Filter the extended ``x`` forward then backward with ``run(u, zi) -> (y, zf)``,
    each pass started from the steady state ``zi`` (its state axis in
    ``x``'s ``axis``, or after a leading sections axis) times its first value."""
    ext = _extend(x, edge, padtype, axis)
    n = _np.shape(ext)[axis]
    y, _ = run(ext, zi * _o.take(ext, _np.array([0]), axis=axis))
    y, _ = run(_o.flip(y, axis), zi * _o.take(y, _np.array([n - 1]), axis=axis))
    y = _o.flip(y, axis)
    return _o.take(y, _np.arange(edge, n - edge), axis=axis) if edge else y


def _state_along(zi, ndim, axis, lead=()):
    """``zi`` (shape ``lead + (k,)``) shaped to broadcast against an array of
    ``ndim`` dimensions with the ``k`` states along ``axis``."""
    shape = [1] * ndim
    shape[axis] = _np.shape(zi)[-1]
    shape = tuple(lead) + tuple(shape)
    return _o.reshape(zi, shape) if isinstance(zi, _Tracer) else _np.reshape(zi, shape)


def sosfilt(sos, x, axis=-1, zi=None):
    """Filter with a cascade of second-order sections, as :func:`scipy.signal.sosfilt`
    (``sos`` of shape ``(n_sections, 6)``, rows ``b0 b1 b2 a0 a1 a2``; ``zi``
    of shape ``(n_sections, ..., 2, ...)``, then ``(y, zf)`` is returned).
    Differentiable in ``sos``, ``x`` and ``zi``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import sosfilt
    >>> sosfilt(np.array([[1.0, 0.0, 0.0, 1.0, -0.5, 0.0]]), np.array([1.0, 0.0, 0.0]))
    array([1.  , 0.5 , 0.25])
    """
    fname = "sosfilt"
    sos = _sections(sos, fname)
    x = _array(x, fname, "x")
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: x must be at least 1-d")
    axis = _nd._axis_index(axis, _np.ndim(x), fname)
    k = _np.shape(sos)[0]
    if zi is not None:
        zi = _array(zi, fname, "zi")
        want = (k,) + _np.shape(x)[:axis] + (2,) + _np.shape(x)[axis + 1:]
        if _np.shape(zi) != want:
            raise ValueError(f"{fname}: zi must have shape {want}, not {_np.shape(zi)}")
    finals = []
    for s in range(k):
        if zi is None:
            x = lfilter(sos[s, :3], sos[s, 3:], x, axis)
        else:
            x, zf = lfilter(sos[s, :3], sos[s, 3:], x, axis, zi=zi[s])
            finals.append(zf)
    return x if zi is None else (x, _o.stack(finals))


def sosfilt_zi(sos):
    """The initial states of :func:`sosfilt` for the steady state of a step
    input, as :func:`scipy.signal.sosfilt_zi`: each section's
    :func:`lfilter_zi`, scaled by the step's steady value after the sections
    before it (their gains at zero frequency).  Differentiable in ``sos``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import sosfilt_zi
    >>> sosfilt_zi(np.array([[0.5, 0.5, 0.0, 1.0, -0.5, 0.0]]))
    array([[1.5, 0. ]])
    """
    sos = _sections(sos, "sosfilt_zi")
    rows, scale = [], 1.0
    for s in range(_np.shape(sos)[0]):
        b, a = sos[s, :3], sos[s, 3:]
        rows.append(scale * lfilter_zi(b, a))
        scale = scale * (_o.sum(b) / _o.sum(a))
    return _o.stack(rows)


def sosfiltfilt(sos, x, axis=-1, padtype="odd", padlen=None):
    """Filter forward then backward with second-order sections, as
    :func:`scipy.signal.sosfiltfilt` (the padding of :func:`filtfilt`; the
    default ``padlen`` is three times the number of taps,
    ``2 * n_sections + 1`` less the sections without a second-order term in
    both ``b`` and ``a``).  Differentiable in ``sos`` and ``x``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import sosfiltfilt
    >>> sosfiltfilt(np.array([[0.5, 0.5, 0.0, 1.0, 0.0, 0.0]]), np.arange(5.0), padlen=1)
    array([0., 1., 2., 3., 4.])
    """
    fname = "sosfiltfilt"
    sos = _sections(sos, fname)
    k = _np.shape(sos)[0]
    ntaps = 2 * k + 1
    if padlen is None and padtype is not None:
        try:
            plain = _np.asarray(_concrete(sos))
        except ConcretizationError:
            raise ValueError(f"{fname}: the default padlen depends on which coefficients of sos are zero, "
                             "which a staged sos cannot tell: pass padlen") from None
        ntaps -= int(min(_np.sum(plain[:, 2] == 0), _np.sum(plain[:, 5] == 0)))
    x, axis, edge = _padding(x, axis, padtype, padlen, ntaps, fname)
    zi = _state_along(sosfilt_zi(sos), _np.ndim(x), axis, lead=(k,))
    return _forward_backward(lambda u, z: sosfilt(sos, u, axis, zi=z), x, axis, zi, edge, padtype)


def hilbert(x, N=None, axis=-1):  # noqa: N803 (SciPy's name)
    """The analytic signal of a real ``x`` along ``axis`` (``x + i H[x]``, ``H``
    the Hilbert transform), by FFT, as :func:`scipy.signal.hilbert`; ``N``
    pads or truncates the transform.  Differentiable in ``x`` (the result
    is complex).

    >>> import numpy as np
    >>> from osculate.scipy.signal import hilbert
    >>> hilbert(np.array([1.0, 0.0, -1.0, 0.0])).round(12)
    array([ 1.+0.j,  0.+1.j, -1.+0.j,  0.-1.j])
    """
    fname = "hilbert"
    x = _array(x, fname, "x")
    if _is_complex(x):
        raise ValueError(f"{fname}: x must be real")
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: x must be at least 1-d")
    axis = _nd._axis_index(axis, _np.ndim(x), fname)
    n = _np.shape(x)[axis] if N is None else N
    if not isinstance(n, (int, _np.integer)) or isinstance(n, bool) or n <= 0:
        raise ValueError(f"{fname}: N must be a positive integer, not {N!r}")
    n = int(n)
    # keep the zero frequency (and Nyquist's), double the positive ones, drop the negative ones
    h = _np.zeros(n)
    h[0] = 1.0
    h[1:(n + 1) // 2] = 2.0
    if n % 2 == 0:
        h[n // 2] = 1.0
    shape = [1] * _np.ndim(x)
    shape[axis] = n
    return _o.fft.ifft(_o.fft.fft(x, n, axis) * h.reshape(shape), None, axis)



def _analytic_gain(n):
    """SciPy's ``hilbert2`` weights on one axis: 1 at zero frequency, 2 on
    the positive frequencies below ``(n + 1) // 2``, 0 from there on."""
    k = (n + 1) // 2
    g = _np.zeros(n)
    g[0] = 1.0
    g[1:k] = 2.0
    return g


def hilbert2(x, N=None, axes=(-2, -1)):  # noqa: N803 (SciPy's name)
    """The 2-d analytic signal of a real ``x`` over ``axes``, as
    :func:`scipy.signal.hilbert2`: the 2-d transform (of shape ``N``) kept
    on the quadrant of non-negative frequencies (positive ones doubled on
    each axis), transformed back.  Differentiable in ``x`` (the result is
    complex).

    >>> import numpy as np
    >>> from osculate.scipy.signal import hilbert2
    >>> hilbert2(np.array([[1.0, 0.0], [0.0, 0.0]]))
    array([[0.25+0.j, 0.25+0.j],
           [0.25+0.j, 0.25+0.j]])
    """
    fname = "hilbert2"
    x = _array(x, fname, "x")
    while _np.ndim(x) < 2:
        x = _o.reshape(x, (1,) + _np.shape(x)) if isinstance(x, _Tracer) else _np.reshape(x, (1,) + _np.shape(x))
    if _is_complex(x):
        raise ValueError(f"{fname}: x must be real")
    if len(axes) != 2:
        raise ValueError(f"{fname}: axes must be a tuple of length 2")
    axes = tuple(_nd._axis_index(a, _np.ndim(x), fname) for a in axes)
    if axes[0] == axes[1]:
        raise ValueError(f"{fname}: axes must contain 2 distinct axes")
    if N is None:
        N = (_np.shape(x)[axes[0]], _np.shape(x)[axes[1]])  # noqa: N806
    elif isinstance(N, (int, _np.integer)):
        if N <= 0:
            raise ValueError(f"{fname}: N must be positive")
        N = (int(N), int(N))  # noqa: N806
    elif len(N) != 2 or _np.any(_np.asarray(N) <= 0):
        raise ValueError(f"{fname}: when given as a tuple, N must hold exactly two positive integers")
    N = tuple(int(v) for v in N)  # noqa: N806
    if not isinstance(x, _Tracer) and x.dtype.kind not in "fc":
        x = x.astype(_np.float64)
    gain = _np.ones([1] * _np.ndim(x))
    for a, n in zip(axes, N):
        shape = [1] * _np.ndim(x)
        shape[a] = n
        gain = gain * _analytic_gain(n).reshape(shape)
    return _o.fft.ifftn(_o.fft.fftn(x, N, axes) * gain, None, axes)


def envelope(z, bp_in=(1, None), *, n_out=None, squared=False, residual="lowpass", axis=-1):
    """The envelope of ``z`` along ``axis``, as :func:`scipy.signal.envelope`:
    the modulus (``squared``: its square) of the analytic signal restricted
    to the frequency bins ``bp_in`` (shifted to base band and resampled to
    ``n_out`` samples), and with ``residual`` (``'lowpass'``, ``'all'``)
    what the band leaves out, stacked before it (``(2, ...)``).  All of it
    is transforms and plain masks, so it is differentiable in ``z``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import envelope
    >>> t = np.arange(16.0)
    >>> envelope(2.0 + np.cos(t * np.pi / 2) * (1.0 + 0.0 * t), residual=None).round(6)[:4]
    array([1., 1., 1., 1.])
    """
    fname = "envelope"
    z = _array(z, fname, "z")
    nd = _np.ndim(z)
    if not -nd <= axis < nd:
        raise ValueError(f"{fname}: invalid parameter axis={axis} for z of shape {_np.shape(z)}")
    if not _np.shape(z)[axis] > 0:
        raise ValueError(f"{fname}: z.shape[axis] is not > 0 for z of shape {_np.shape(z)}, axis={axis}")
    if len(bp_in) != 2 or not all(isinstance(b, int) or b is None for b in bp_in):
        raise ValueError(f"{fname}: bp_in={bp_in!r} is not a 2-tuple of type (int | None, int | None)")
    if not ((isinstance(n_out, int) and n_out > 0) or n_out is None):
        raise ValueError(f"{fname}: n_out={n_out!r} is not a positive integer or None")
    if residual not in ("lowpass", "all", None):
        raise ValueError(f"{fname}: residual={residual!r} not in ['lowpass', 'all', None]")
    if not isinstance(z, _Tracer) and z.dtype.kind not in "fc":
        z = z.astype(_np.float64)
    n = _np.shape(z)[axis]
    n_out = n if n_out is None else n_out
    fak = n_out / n
    start = bp_in[0] if bp_in[0] is not None else -(n // 2)
    stop = bp_in[1] if bp_in[1] is not None else (n + 1) // 2
    if not -n // 2 <= start < stop <= (n + 1) // 2:
        raise ValueError(f"{fname}: -n//2 <= bp_in[0] < bp_in[1] <= (n+1)//2 does not hold for n={n} and "
                         f"bp_in={bp_in!r}")
    band = slice(start, stop)
    zl = _o.moveaxis(z, axis, -1)
    lead = _np.shape(zl)[:-1]
    bins = _np.arange(n)
    if _is_complex(zl):
        spec = _o.fft.fft(zl)
    else:  # the negative frequencies are not needed: zeros, and the band made analytic
        half = _o.fft.rfft(zl)
        spec = _o.concatenate([half, _np.zeros(lead + (n - n // 2 - 1,), dtype=complex)], axis=-1)
        gain = _np.ones(n)
        if start > 0:
            gain[band] *= 2
        elif stop > 0:
            gain[1:stop] *= 2
        spec = spec * gain
    if not start <= 0 < stop:  # the envelope does not change with a shift in frequency
        picked = bins[band]
    else:
        picked = _np.fft.fftshift(bins)[start + n // 2:stop + n // 2]
    base = _o.fft.ifft(_o.take(spec, picked, axis=-1), n_out) * fak
    env = _o.abs(base) if not squared else _o.real(base) ** 2 + _o.imag(base) ** 2
    env = _o.moveaxis(env, -1, axis)
    if residual is None:
        return env
    keep = _np.ones(n)
    if not start <= 0 < stop:
        keep[band] = 0
    else:
        keep[:stop], keep[start:] = 0, 0
    if residual == "lowpass":
        if stop > 0:
            keep[stop:(n + 1) // 2] = 0
        else:
            keep[start:], keep[0:(n + 1) // 2] = 0, 0
    if _is_complex(zl):
        rest = resample(spec * keep, n_out, axis=-1, domain="freq")
    else:  # the unpaired bin at m // 2 is counted once by irfft
        m = min(n, n_out)
        if n_out != n and m % 2 == 0:
            keep[m // 2] *= 2 if n_out < n else 0.5
        rest = fak * _o.fft.irfft(spec * keep, n_out)
    return _o.stack([env, _o.moveaxis(rest, -1, axis)], axis=0)


# --------------------------------------------------------------------------- Savitzky-Golay and detrend

def _savgol_unit(window_length, polyorder, deriv, pos, use):
    """The Savitzky-Golay coefficients for ``delta = 1`` (plain numbers)."""
    if not isinstance(polyorder, (int, _np.integer)) or polyorder < 0:
        raise ValueError(f"savgol_coeffs: polyorder must be a nonnegative integer, not {polyorder!r}")
    if not isinstance(window_length, (int, _np.integer)) or window_length < 1:
        raise ValueError(f"savgol_coeffs: window_length must be a positive integer, not {window_length!r}")
    if polyorder >= window_length:
        raise ValueError("savgol_coeffs: polyorder must be less than window_length")
    if not isinstance(deriv, (int, _np.integer)) or deriv < 0:
        raise ValueError(f"savgol_coeffs: deriv must be a nonnegative integer, not {deriv!r}")
    half, odd = divmod(window_length, 2)
    if pos is None:
        pos = half if odd else half - 0.5
    if not 0 <= pos < window_length:
        raise ValueError("savgol_coeffs: pos must be nonnegative and less than window_length")
    if use not in ("conv", "dot"):
        raise ValueError(f"savgol_coeffs: use must be 'conv' or 'dot', not {use!r}")
    if deriv > polyorder:
        return _np.zeros(window_length)
    # the least-squares polynomial through the window, read at `pos`: its deriv-th derivative there
    # is a fixed combination of the samples, the minimum-norm solution of V^T c = deriv! e_deriv
    t = _np.arange(window_length, dtype=_np.float64) - pos
    if use == "conv":
        t = t[::-1]
    vt = t[None, :] ** _np.arange(polyorder + 1)[:, None]
    rhs = _np.zeros(polyorder + 1)
    rhs[deriv] = float(_math.factorial(deriv))
    return _np.linalg.lstsq(vt, rhs, rcond=None)[0]


def _delta_scale(delta, deriv, fname):
    if isinstance(delta, _Tracer):
        return delta ** (-deriv) if deriv else None
    if not isinstance(delta, _numbers.Real):
        raise TypeError(f"{fname}: delta must be a number, not {delta!r}")
    return float(delta) ** (-deriv) if deriv else None


def savgol_coeffs(window_length, polyorder, deriv=0, delta=1.0, pos=None, use="conv", *, xp=None, device=None):
    """The Savitzky-Golay filter coefficients, as :func:`scipy.signal.savgol_coeffs`
    (``delta`` may be traced; ``xp`` and ``device`` are accepted and ignored).

    >>> from osculate.scipy.signal import savgol_coeffs
    >>> savgol_coeffs(5, 2).round(6)
    array([-0.085714,  0.342857,  0.485714,  0.342857, -0.085714])
    """
    c = _savgol_unit(window_length, polyorder, deriv, pos, use)
    scale = _delta_scale(delta, deriv, "savgol_coeffs")
    return c if scale is None else c * scale


def _edge_map(window_length, polyorder, deriv, rows):
    """The matrix taking the first ``window_length`` samples to the
    ``deriv``-th derivative, at the sample positions ``rows``, of their
    least-squares polynomial of degree ``polyorder`` (delta = 1)."""
    c = (window_length - 1) / 2.0  # centred abscissae for a well-conditioned fit
    t = _np.arange(window_length) - c
    v = t[:, None] ** _np.arange(polyorder + 1)[None, :]
    fit = _np.linalg.pinv(v)  # samples -> polynomial coefficients
    r = _np.asarray(rows, dtype=_np.float64) - c
    d = _np.zeros((len(rows), polyorder + 1))
    for k in range(deriv, polyorder + 1):
        d[:, k] = _math.perm(k, deriv) * r ** (k - deriv)
    return d @ fit


def savgol_filter(x, window_length, polyorder, deriv=0, delta=1.0, axis=-1, mode="interp", cval=0.0):
    """Apply a Savitzky-Golay filter along ``axis``, as :func:`scipy.signal.savgol_filter`.

    ``mode='interp'`` (default) fits a polynomial to the first and last
    windows for the edge values; the other modes (``'mirror'``,
    ``'constant'``, ``'nearest'``, ``'wrap'``) extend ``x`` as
    :mod:`scipy.ndimage` does.  Differentiable in ``x``, ``delta`` and ``cval``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import savgol_filter
    >>> savgol_filter(np.array([2.0, 2.0, 5.0, 2.0, 1.0, 0.0, 1.0, 4.0, 9.0]), 5, 2).round(6)
    array([1.657143, 3.171429, 3.542857, 2.857143, 0.657143, 0.171429,
           1.      , 4.      , 9.      ])
    """
    fname = "savgol_filter"
    if mode not in ("mirror", "constant", "nearest", "wrap", "interp"):
        raise ValueError(f"{fname}: mode must be 'mirror', 'constant', 'nearest', 'wrap' or 'interp', not {mode!r}")
    x = _array(x, fname, "x")
    if not isinstance(x, _Tracer) and x.dtype not in (_np.float64, _np.float32):
        x = x.astype(_np.float64)
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: x must be at least 1-d")
    axis = _nd._axis_index(axis, _np.ndim(x), fname)
    coeffs = savgol_coeffs(window_length, polyorder, deriv=deriv, delta=delta)
    if mode != "interp":
        return _nd.convolve1d(x, coeffs, axis=axis, mode=mode, cval=cval)
    n = _np.shape(x)[axis]
    if window_length > n:
        raise ValueError(f"{fname}: if mode is 'interp', window_length ({window_length}) must be less than or equal "
                         f"to the size of x along axis ({n})")
    y = _nd.convolve1d(x, coeffs, axis=axis, mode="constant")
    half = window_length // 2
    if half == 0:
        return y
    left = _edge_map(window_length, polyorder, deriv, range(half))
    right = _edge_map(window_length, polyorder, deriv, range(window_length - half, window_length))
    scale = _delta_scale(delta, deriv, fname)
    xl = _o.moveaxis(x, axis, -1)
    yl = _o.moveaxis(y, axis, -1)
    lo = _o.matmul(xl[..., :window_length], left.T)
    hi = _o.matmul(xl[..., n - window_length:], right.T)
    if scale is not None:
        lo, hi = lo * scale, hi * scale
    out = _o.concatenate([lo, yl[..., half:n - half], hi], axis=-1)
    return _o.moveaxis(out, -1, axis)


def detrend(data, axis=-1, type="linear", bp=0, overwrite_data=False):  # noqa: A002
    """Remove the mean (``type='constant'``) or the least-squares line
    (``'linear'``, separately on each piece between the breakpoints ``bp``)
    along ``axis``, as :func:`scipy.signal.detrend`.  Differentiable in ``data``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import detrend
    >>> detrend(np.array([1.0, 3.0, 4.0, 8.0])).round(12)
    array([ 0.3,  0.1, -1.1,  0.7])
    """
    fname = "detrend"
    if type not in ("linear", "l", "constant", "c"):
        raise ValueError(f"{fname}: type must be 'linear' or 'constant', not {type!r}")
    x = _array(data, fname, "data")
    if not isinstance(x, _Tracer) and x.dtype.kind not in "fc":
        x = x.astype(_np.float64)
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: data must be at least 1-d")
    axis = _nd._axis_index(axis, _np.ndim(x), fname)
    if type in ("constant", "c"):
        return x - _o.mean(x, axis=axis, keepdims=True)
    n = _np.shape(x)[axis]
    cuts = _np.unique(_np.concatenate([[0], _np.atleast_1d(_np.asarray(bp, dtype=_np.int64)), [n]]))
    if cuts[0] < 0 or cuts[-1] > n:
        raise ValueError(f"{fname}: breakpoints bp must lie in [0, {n}] (the length of data along axis)")
    xl = _o.moveaxis(x, axis, -1)
    pieces = []
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        seg = xl[..., lo:hi]
        m = hi - lo
        basis = _np.stack([_np.ones(m), _np.arange(m) - (m - 1) / 2.0], axis=1)
        q = _np.linalg.qr(basis)[0] if m > 1 else _np.ones((1, 1))
        pieces.append(seg - _o.matmul(_o.matmul(seg, q), q.T))
    out = pieces[0] if len(pieces) == 1 else _o.concatenate(pieces, axis=-1)
    return _o.moveaxis(out, -1, axis)


# --------------------------------------------------------------------------- 2-d convolution, rank filters, Wiener

#: ``convolve2d``'s boundaries as :mod:`scipy.ndimage` modes: ``'symm'`` repeats
#: the edge sample (``d c b a | a b c d``), which is ndimage's ``'reflect'``
_BOUNDARIES = {"fill": "constant", "pad": "constant", "wrap": "wrap", "circular": "wrap", "symm": "reflect",
               "symmetric": "reflect"}


def _pair2d(in1, in2, mode, boundary, fillvalue, fname):
    in1, in2 = _array(in1, fname, "in1"), _array(in2, fname, "in2")
    if _np.ndim(in1) != 2 or _np.ndim(in2) != 2:
        raise ValueError(f"{fname}: inputs must both be 2-D arrays, not of dimensions {_np.ndim(in1)} and "
                         f"{_np.ndim(in2)}")
    if _np.size(in1) == 0 or _np.size(in2) == 0:
        raise ValueError(f"{fname}: in1 and in2 must not be empty")
    _check_mode(mode, fname)
    if boundary not in _BOUNDARIES:
        raise ValueError(f"{fname}: boundary must be 'fill', 'wrap' or 'symm', not {boundary!r}")
    fillvalue = _nd._check_cval(fillvalue, fname)
    swap = False
    if mode == "valid":
        s1, s2 = _np.shape(in1), _np.shape(in2)
        _check_valid(s1, s2, fname)
        swap = not all(a >= b for a, b in zip(s1, s2))  # SciPy slides the smaller one over the larger
    return (in2, in1) if swap else (in1, in2), fillvalue, swap


def _windowed2d(data, w, n2, mode, boundary, fillvalue, corr=False):
    """``out[i] = sum_k w[k] data_ext[i + k + start]``, the ``mode`` part of the
    full result (``data`` extended by ``boundary``, ``n2`` the kernel shape).
    An even kernel has no centre: SciPy's ``'same'`` correlation keeps the
    window one sample later than the convolution (``corr``)."""
    starts, lengths = [], []
    for n1, k in zip(_np.shape(data), n2):
        offset, length = _out_window(n1, k, mode)
        if corr and mode == "same":
            offset = k // 2
        starts.append(offset - (k - 1))
        lengths.append(length)
    modes = [_BOUNDARIES[boundary]] * 2
    return _nd._windows(data, w, [0, 1], starts, lengths, modes, fillvalue)


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """Convolve two 2-d arrays, as :func:`scipy.signal.convolve2d`, with
    ``in1`` extended past its edges by ``boundary``: ``'fill'`` (the value
    ``fillvalue``), ``'wrap'`` (periodic) or ``'symm'`` (mirrored, the edge
    sample repeated).  Differentiable in both inputs and in ``fillvalue``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import convolve2d
    >>> convolve2d(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 1.0]]), mode="same", boundary="wrap")
    array([[3., 3.],
           [7., 7.]])
    """
    fname = "convolve2d"
    (in1, in2), fillvalue, _ = _pair2d(in1, in2, mode, boundary, fillvalue, fname)
    return _windowed2d(in1, _flip_all(in2), _np.shape(in2), mode, boundary, fillvalue)


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """Cross-correlate two 2-d arrays, as :func:`scipy.signal.correlate2d`
    (``in2`` conjugated; the boundaries of :func:`convolve2d`).

    >>> import numpy as np
    >>> from osculate.scipy.signal import correlate2d
    >>> correlate2d(np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, -1.0]]), mode="valid")
    array([[-1., -1.]])
    """
    fname = "correlate2d"
    (in1, in2), fillvalue, swap = _pair2d(in1, in2, mode, boundary, fillvalue, fname)
    out = _windowed2d(in1, _nd._conj(in2), _np.shape(in2), mode, boundary, fillvalue, corr=True)
    return _flip_all(out) if swap else out


def _kernel_sizes(kernel_size, ndim, fname):
    sizes = [3] * ndim if kernel_size is None else _np.atleast_1d(_np.asarray(kernel_size))
    if _np.ndim(sizes) != 1:
        raise ValueError(f"{fname}: kernel_size must be an integer or a sequence of integers")
    if len(sizes) == 1:
        sizes = [sizes[0]] * ndim
    if len(sizes) != ndim:
        raise ValueError(f"{fname}: kernel_size must have one entry per dimension ({ndim}), not {len(sizes)}")
    out = []
    for k in sizes:
        if not float(k).is_integer() or k < 1 or int(k) % 2 != 1:
            raise ValueError(f"{fname}: each element of kernel_size should be odd (a positive odd integer), not {k!r}")
        out.append(int(k))
    return out


def _rank_input(x, fname, what="volume"):
    x = _array(x, fname, what)
    if not isinstance(x, _Tracer) and not (x.dtype.kind in "iu" or x.dtype in (_np.float32, _np.float64)):
        raise ValueError(f"{fname}: dtype={x.dtype} is not supported (integers, float32 or float64)")
    if isinstance(x, _Tracer) and _is_complex(x):
        raise ValueError(f"{fname}: complex input is not supported (values are ranked)")
    return x


def _has_values(x):
    """Whether ``x``'s values can be looked at (plain, or traced for
    derivatives only; not staged by ``jit`` nor batched by ``vmap``)."""
    try:
        _concrete(x)
    except ConcretizationError:
        return False
    return True


def _rank_filter(x, rank, sizes, footprint, fname):
    """The ``rank``-th smallest value of every window (zeros outside).  With
    the values at hand, :mod:`scipy.ndimage`'s rank filter (a sort); under
    ``jit`` or ``vmap``, where a sort cannot look at the values, each window
    value's rank is counted (comparisons with the others, ties broken by
    position) and the one of rank ``rank`` kept: no value-dependent indexing,
    and the derivative is still that of the value kept."""
    if _has_values(x):
        return _nd.rank_filter(x, rank, size=sizes, footprint=footprint, mode="constant")
    g, x, count = _nd._rank_windows(x, sizes, footprint, None, "constant", 0.0, 0, None, fname, False)
    rank = int(rank) + (count if rank < 0 else 0)
    if not 0 <= rank < count:
        raise ValueError(f"{fname}: rank {rank} is not within the footprint's {count} elements")
    if g is None:
        return x
    later = _np.arange(count)[:, None] > _np.arange(count)[None, :]  # [i, j]: j comes before i
    other, this = g[..., None, :], g[..., :, None]
    below = (other < this) | ((other == this) & later)
    position = _o.sum(_o.where(below, 1, 0), axis=-1)
    return _o.sum(_o.where(position == rank, g, _np.zeros((), _np.dtype(g.dtype))), axis=-1)


def medfilt(volume, kernel_size=None):
    """The median over a window of ``kernel_size`` (odd, 3 by default) around
    each sample of an n-d array, zeros outside, as :func:`scipy.signal.medfilt`.
    Piecewise: the derivative is that of the sample picked.

    >>> import numpy as np
    >>> from osculate.scipy.signal import medfilt
    >>> medfilt(np.array([2.0, 8.0, 0.0, 4.0, 1.0]))
    array([2., 2., 4., 1., 1.])
    """
    fname = "medfilt"
    x = _rank_input(volume, fname)
    if _np.ndim(x) == 0:
        x = _o.reshape(x, (1,)) if isinstance(x, _Tracer) else _np.reshape(x, (1,))
    sizes = _kernel_sizes(kernel_size, _np.ndim(x), fname)
    return _rank_filter(x, int(_np.prod(sizes)) // 2, sizes, None, fname)


def medfilt2d(input, kernel_size=3):  # noqa: A002 (SciPy's name)
    """The median filter of a 2-d array, zeros outside, as
    :func:`scipy.signal.medfilt2d` (see :func:`medfilt`).

    >>> import numpy as np
    >>> from osculate.scipy.signal import medfilt2d
    >>> medfilt2d(np.array([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0], [9.0, 8.0, 7.0]]))
    array([[0., 2., 0.],
           [3., 5., 3.],
           [0., 4., 0.]])
    """
    fname = "medfilt2d"
    x = _rank_input(input, fname, "input")
    if _np.ndim(x) != 2:
        raise ValueError(f"{fname}: input must be a 2-D array, not of dimension {_np.ndim(x)}")
    sizes = _kernel_sizes(kernel_size, 2, fname)
    return _rank_filter(x, int(_np.prod(sizes)) // 2, sizes, None, fname)


def order_filter(a, domain, rank):
    """The ``rank``-th smallest of the samples under the True entries of
    ``domain`` (odd in every dimension) centred on each sample, zeros
    outside, as :func:`scipy.signal.order_filter`.  Piecewise: the derivative
    is that of the sample picked.

    >>> import numpy as np
    >>> from osculate.scipy.signal import order_filter
    >>> order_filter(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), np.ones(3), 2)
    array([8., 8., 8., 4., 4.])
    """
    fname = "order_filter"
    domain = _np.asarray(_concrete(domain) if isinstance(domain, _Tracer) else domain)
    if any(k % 2 != 1 for k in domain.shape):
        raise ValueError(f"{fname}: each dimension of domain should have an odd number of elements, not "
                         f"{domain.shape}")
    if not isinstance(rank, (int, _np.integer)) or isinstance(rank, bool):
        raise TypeError(f"{fname}: rank must be an integer, not {rank!r}")
    x = _rank_input(a, fname, "a")
    return _rank_filter(x, rank, None, domain, fname)


def wiener(im, mysize=None, noise=None):
    """Wiener-filter an n-d array, as :func:`scipy.signal.wiener`: each sample
    is pulled towards its local mean (over windows of ``mysize``, 3 by
    default, zeros outside) by the share of the local variance that
    ``noise`` explains (the mean local variance when None); where the local
    variance is below the noise, the local mean itself.  Differentiable in
    ``im`` and ``noise``, piecewise (which branch holds is decided by the values).

    >>> import numpy as np
    >>> from osculate.scipy.signal import wiener
    >>> wiener(np.array([1.0, 4.0, 2.0, 8.0, 3.0]), 3).round(6)
    array([1.666667, 2.333333, 4.438095, 4.972043, 3.348299])
    """
    fname = "wiener"
    x = _array(im, fname, "im")
    if not isinstance(x, _Tracer) and x.dtype.kind not in "fc":
        x = x.astype(_np.float64)
    nd = _np.ndim(x)
    if mysize is None:
        sizes = [3] * nd
    else:
        sizes = [int(k) for k in _np.atleast_1d(mysize)]
        sizes = sizes * nd if len(sizes) == 1 else sizes
    if len(sizes) != nd or any(k < 1 for k in sizes):
        raise ValueError(f"{fname}: mysize must be a positive integer or one per dimension ({nd}), not {mysize!r}")
    box = _np.ones(sizes)
    count = float(_np.prod(sizes))
    mean = correlate(x, box, "same") / count
    var = correlate(x * x, box, "same") / count - mean * mean
    if noise is None:
        noise = _o.mean(var)
    low = var < noise
    safe = _o.where(low, 1.0, var)  # the other branch, kept finite where it is not used
    return _o.where(low, mean, (x - mean) * (1 - noise / safe) + mean)


def deconvolve(signal, divisor):
    """Polynomial division: ``(quotient, remainder)`` with
    ``signal = convolve(divisor, quotient) + remainder``, as
    :func:`scipy.signal.deconvolve` (the quotient by filtering an impulse).
    Differentiable in both arguments.

    >>> import numpy as np
    >>> from osculate.scipy.signal import deconvolve
    >>> q, r = deconvolve(np.array([1.0, 3.0, 5.0, 3.0]), np.array([1.0, 1.0]))
    >>> q, r
    (array([1., 2., 3.]), array([0., 0., 0., 0.]))
    """
    fname = "deconvolve"
    num, den = _array(signal, fname, "signal"), _array(divisor, fname, "divisor")
    num = num if _np.ndim(num) else (_o.reshape(num, (1,)) if isinstance(num, _Tracer) else _np.reshape(num, (1,)))
    den = den if _np.ndim(den) else (_o.reshape(den, (1,)) if isinstance(den, _Tracer) else _np.reshape(den, (1,)))
    for what, c in (("signal", num), ("divisor", den)):
        if _np.ndim(c) != 1 or _np.size(c) == 0:
            raise ValueError(f"{fname}: {what} must be a non-empty 1-d array, not shape {_np.shape(c)}")
    n, d = _np.shape(num)[0], _np.shape(den)[0]
    if d > n:
        return [], num
    impulse = _np.zeros(n - d + 1)
    impulse[0] = 1.0
    quot = lfilter(num, den, impulse)
    return quot, num - convolve(den, quot, mode="full")


def lfiltic(b, a, y, x=None):
    """The initial state of :func:`lfilter` (direct form II transposed) that
    continues from the past outputs ``y`` and inputs ``x`` (most recent
    first: ``y[0]`` is ``y[-1]`` of the past), as :func:`scipy.signal.lfiltic`.
    Differentiable in ``b``, ``a``, ``y`` and ``x``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import lfiltic
    >>> lfiltic([1.0], [1.0, -0.5], [2.0])
    array([1.])
    """
    fname = "lfiltic"
    a, b = _array(a, fname, "a"), _array(b, fname, "b")
    for what, c in (("a", a), ("b", b)):
        if _np.ndim(c) > 1:
            raise ValueError(f"{fname}: filter coefficients {what} must be 1-D")
    a = a if _np.ndim(a) else _o.reshape(a, (1,))
    b = b if _np.ndim(b) else _o.reshape(b, (1,))
    if _np.shape(a)[0] == 0:
        raise ValueError(f"{fname}: there must be at least one a coefficient")
    p, q = _np.shape(a)[0] - 1, _np.shape(b)[0] - 1
    order = max(p, q)

    def history(v, k):  # the first k values of v, zeros after its end
        v = _o.ravel(_array(v, fname, "y or x"))
        m = _np.shape(v)[0]
        return v[:k] if m >= k else _o.concatenate([v, _np.zeros(k - m)])

    zi = _np.zeros(order)
    terms = []
    if x is not None and q:
        xs = history(x, q)
        terms.append(_o.stack([_o.sum(b[m + 1:] * xs[:q - m]) for m in range(q)]))
    if p:
        ys = history(y, p)
        terms.append(-_o.stack([_o.sum(a[m + 1:] * ys[:p - m]) for m in range(p)]))
    for t in terms:
        zi = zi + _pad_to(t, order)
    if isinstance(a, _Tracer):
        return zi / a[0]
    if a[0] == 0:
        raise ValueError(f"{fname}: the first a coefficient must be non-zero")
    return zi if a[0] == 1 else zi / a[0]


# --------------------------------------------------------------------------- decimation

def decimate(x, q, n=None, ftype="iir", axis=-1, zero_phase=True):
    """Low-pass filter ``x`` along ``axis`` and keep every ``q``-th sample, as
    :func:`scipy.signal.decimate`: ``ftype='iir'`` (an order-``n`` Chebyshev
    type I filter, 8 by default, by :func:`sosfiltfilt` or, with
    ``zero_phase=False``, :func:`sosfilt`), ``'fir'`` (a Hamming-windowed
    FIR filter of order ``n``, 20 ``q`` by default, by :func:`resample_poly`
    or :func:`upfirdn`) or a :class:`scipy.signal.dlti` system.  The filter
    is designed from plain numbers; the result is differentiable in ``x``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import decimate
    >>> decimate(np.ones(40), 4, ftype="fir").round(6)[:4]
    array([0.62518 , 1.08468 , 0.957725, 1.030319])
    """
    fname = "decimate"
    x = _array(x, fname, "x")
    if not isinstance(x, _Tracer) and x.dtype.kind not in "fc":
        x = x.astype(_np.float64)
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: x must be at least 1-d")
    if isinstance(q, bool) or not isinstance(q, _numbers.Integral) or q < 1:
        raise ValueError(f"{fname}: q must be a positive integer, not {q!r}")
    if n is not None and (isinstance(n, bool) or not isinstance(n, _numbers.Integral)):
        raise ValueError(f"{fname}: n must be an integer, not {n!r}")
    axis = _nd._axis_index(axis, _np.ndim(x), fname)
    q = int(q)
    sos = b = a = None
    if isinstance(ftype, _scipy_signal.dlti):
        zpk = ftype._as_zpk()
        if zpk.poles.shape[0] == 0:
            tf = ftype._as_tf()
            b, a, ftype = _np.asarray(tf.num), _np.asarray(tf.den), "fir"
        elif _np.iscomplexobj(zpk.poles) and _np.any(_np.iscomplex(zpk.poles)) or _np.iscomplex(zpk.gain):
            tf = ftype._as_tf()
            b, a, ftype = _np.asarray(tf.num), _np.asarray(tf.den), "iir"
        else:
            sos, ftype = _scipy_signal.zpk2sos(zpk.zeros, zpk.poles, zpk.gain), "iir"
    elif ftype == "fir":
        order = 20 * q if n is None else int(n)
        b, a = _scipy_signal.firwin(order + 1, 1.0 / q, window="hamming"), _np.ones(1)
    elif ftype == "iir":
        sos = _scipy_signal.cheby1(8 if n is None else int(n), 0.05, 0.8 / q, output="sos")
    else:
        raise ValueError(f"{fname}: ftype must be 'iir', 'fir' or a dlti system, not {ftype!r}")
    length = _np.shape(x)[axis]
    if ftype == "fir":
        b = b / a
        if zero_phase:
            return resample_poly(x, 1, q, axis=axis, window=b)
        y = upfirdn(b, x, up=1, down=q, axis=axis)
        return _o.take(y, _np.arange(-(-length // q)), axis=axis)
    if sos is not None:
        y = sosfiltfilt(sos, x, axis=axis) if zero_phase else sosfilt(sos, x, axis=axis)
    else:
        y = filtfilt(b, a, x, axis=axis) if zero_phase else lfilter(b, a, x, axis=axis)
    return _o.take(y, _np.arange(0, length, q), axis=axis)
