"""``scipy.signal``'s resampling on traced values: ``upfirdn``, ``resample``
and ``resample_poly`` (re-exported by :mod:`osculate.ad.scipy.signal`,
which adds ``decimate`` on top of its filters).

``upfirdn`` (upsample by inserting zeros, FIR-filter, keep every
``down``-th sample) is computed in its polyphase form: output sample ``i``
only meets the taps ``h[p + up * r]`` (``p = i * down mod up``) and the
input samples ``x[(i * down) // up - r]``, so one gather of the input, one
of the taps and a sum give every output, with no multiplications by the
inserted zeros.  Past the ends the input is extended by SciPy's modes:
by index (``'symmetric'``, ``'reflect'``, ``'edge'``, ``'wrap'``), by value
(``'constant'``, with ``cval``) or by a formula in the end samples
(``'antisymmetric'``, ``'antireflect'``, ``'smooth'``, ``'line'``).
``resample`` truncates or zero-pads the (windowed) spectrum.  Everything is
osculate operations: differentiable in the samples, the filter taps (a
traced ``h`` or ``window`` array) and ``cval``, under ``vmap`` and ``jit``.
"""

from __future__ import annotations

import math as _math
import numbers as _numbers

import numpy as _np
from scipy import fft as _scipy_fft

from .. import numpy as _o
from ..core import Tracer as _Tracer
from ..util import lazy_module as _lazy_module
from . import ndimage as _nd
from ._ndimage_support import _float_array

_ss = _lazy_module("scipy.signal")  # (scipy.signal imports scipy.stats: read on first use)

__all__ = ["upfirdn", "resample", "resample_poly"]

_INDEX_MODES = {"symmetric": "reflect", "reflect": "mirror", "edge": "nearest", "wrap": "wrap"}
_VALUE_MODES = ("constant", "antisymmetric", "antireflect", "smooth", "line")
MODES = tuple(_INDEX_MODES) + _VALUE_MODES


def _factor(value, fname, what):
    if isinstance(value, bool) or not isinstance(value, (_numbers.Integral, float, _np.floating)) \
            or value != int(value):
        raise ValueError(f"{fname}: {what} must be an integer, not {value!r}")
    if int(value) < 1:
        raise ValueError(f"{fname}: {what} must be >= 1, not {value!r}")
    return int(value)


def _extended(x, j, mode, cval):
    """``x`` (samples along the last axis) read at the integer positions ``j``
    (any shape, possibly outside ``[0, n)``), extended by ``mode``."""
    n = _np.shape(x)[-1]
    inside = (j >= 0) & (j < n)
    if mode == "constant" or n == 1 and mode != "wrap":
        g = _o.take(x, _np.clip(j, 0, n - 1), axis=-1)
        if mode == "constant" and not inside.all():
            g = _o.where(inside, g, cval)
        return g
    if mode in _INDEX_MODES:
        return _o.take(x, _nd._source(j, n, _INDEX_MODES[mode])[0], axis=-1)
    first, last = x[..., :1], x[..., n - 1:]  # broadcast against the gathered positions
    first = _o.reshape(first, _np.shape(first)[:-1] + (1,) * (_np.ndim(j) - 1) + (1,))
    last = _o.reshape(last, _np.shape(last)[:-1] + (1,) * (_np.ndim(j) - 1) + (1,))
    if mode == "line":  # the line through the first and the last sample
        return _o.where(inside, _o.take(x, _np.clip(j, 0, n - 1), axis=-1),
                        first + j * ((last - first) / (n - 1)))
    if mode == "smooth":  # the end slopes continued
        second = _o.take(x, _np.array([1]), axis=-1)
        before = _o.take(x, _np.array([n - 2]), axis=-1)
        second = _o.reshape(second, _np.shape(first))
        before = _o.reshape(before, _np.shape(first))
        inner = _o.take(x, _np.clip(j, 0, n - 1), axis=-1)
        return _o.where(j < 0, first + j * (second - first),
                        _o.where(j >= n, last + (j - n + 1) * (last - before), inner))
    if mode == "antisymmetric":  # mirrored with the edge sample repeated, the sign flipped on each reflection
        sign = _np.where(_np.floor_divide(j, n) % 2 == 0, 1.0, -1.0)
        return _o.take(x, _nd._source(j, n, "reflect")[0], axis=-1) * sign
    # antireflect: point-reflected about the end samples, again and again (segments of n - 1 samples:
    # +x[m] + s D on the even ones, 2 x[0] + (s + 1) D - x[m] on the odd ones, D = x[-1] - x[0])
    s = _np.floor_divide(j, n - 1)
    m = _nd._source(j, n, "mirror")[0]
    odd = s % 2 != 0
    d = last - first
    g = _o.take(x, m, axis=-1)
    return _o.where(odd, 2 * first + (s + 1) * d - g, g + s * d)


def _upfirdn_last(h, x, up, down, mode, cval):
    """:func:`upfirdn` along the last axis of ``x``."""
    taps, n = _np.shape(h)[0], _np.shape(x)[-1]
    n_out = ((n - 1) * up + taps - 1) // down + 1
    phases = -(-taps // up)  # taps per phase
    if phases * up != taps:
        h = _o.concatenate([h, _np.zeros(phases * up - taps, dtype=_np.result_type(h.dtype, _np.float64))])
    i = _np.arange(n_out)
    p, base = (i * down) % up, (i * down) // up
    r = _np.arange(phases)
    coef = _o.take(h, p[:, None] + up * r[None, :])  # (n_out, phases)
    samples = _extended(x, base[:, None] - r[None, :], mode, cval)  # (..., n_out, phases)
    return _o.sum(samples * coef, axis=-1)


def upfirdn(h, x, up=1, down=1, axis=-1, mode="constant", cval=0):
    """Upsample by ``up`` (zeros between the samples), filter with the FIR
    taps ``h``, downsample by ``down``, as :func:`scipy.signal.upfirdn`;
    ``mode`` extends ``x`` past its ends (``'constant'`` with ``cval``,
    ``'symmetric'``, ``'reflect'``, ``'edge'``, ``'wrap'``,
    ``'antisymmetric'``, ``'antireflect'``, ``'smooth'``, ``'line'``).
    Differentiable in ``h``, ``x`` and ``cval``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import upfirdn
    >>> upfirdn([1.0, 1.0, 1.0], np.array([1.0, 2.0, 3.0]), up=2)
    array([1., 1., 3., 2., 5., 3., 3.])
    """
    fname = "upfirdn"
    h = _nd._array(h, fname, "h")
    if _np.ndim(h) != 1 or _np.shape(h)[0] == 0:
        raise ValueError(f"{fname}: h must be a non-empty 1-d array, not shape {_np.shape(h)}")
    x = _float_array(x, fname, "x")
    if _np.ndim(x) == 0:
        x = _o.reshape(x, (1,))
    up, down = _factor(up, fname, "up"), _factor(down, fname, "down")
    if mode not in MODES:
        raise ValueError(f"{fname}: mode must be one of {', '.join(MODES)}, not {mode!r}")
    axis = _nd._axis_index(axis, _np.ndim(x), fname)
    cval = _nd._check_cval(cval, fname)
    if not isinstance(h, _Tracer) and h.dtype.kind not in "fc":
        h = h.astype(_np.float64)
    y = _upfirdn_last(h, _o.moveaxis(x, axis, -1), up, down, mode, cval)
    return _o.moveaxis(y, -1, axis)


# --------------------------------------------------------------------------- FFT resampling

def _spectral_window(window, n, fname):
    """``resample``'s window over the FFT bins (in FFT order), or None."""
    if window is None:
        return None
    if callable(window):
        return _np.asarray(window(_scipy_fft.fftfreq(n)))
    if isinstance(window, (_Tracer, _np.ndarray)):
        if _np.shape(window) != (n,):
            raise ValueError(f"{fname}: the window has shape {_np.shape(window)}, not ({n},): one value per "
                             "frequency bin")
        return window
    return _scipy_fft.fftshift(_ss.get_window(window, n))


def resample(x, num, t=None, axis=0, window=None, domain="time"):
    """Resample ``x`` to ``num`` samples along ``axis`` by truncating or
    zero-padding its Fourier transform, as :func:`scipy.signal.resample`
    (``window`` weights the bins; ``t``, the sample times, gives the new
    ones too; ``domain='freq'``: ``x`` is already the spectrum).
    Differentiable in ``x``, ``t`` and an array ``window``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import resample
    >>> resample(np.array([1.0, 0.0, -1.0, 0.0]), 8).round(12)
    array([ 1.        ,  0.70710678,  0.        , -0.70710678, -1.        ,
           -0.70710678,  0.        ,  0.70710678])
    """
    fname = "resample"
    if domain not in ("time", "freq"):
        raise ValueError(f"{fname}: domain must be 'time' or 'freq', not {domain!r}")
    if isinstance(num, bool) or not isinstance(num, _numbers.Integral) or num < 1:
        raise ValueError(f"{fname}: num must be a positive integer, not {num!r}")
    num = int(num)
    x = _float_array(x, fname, "x")
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: x must be at least 1-d")
    axis = _nd._axis_index(axis, _np.ndim(x), fname)
    xl = _o.moveaxis(x, axis, -1)
    n = _np.shape(xl)[-1]
    scale = n / num  # the sample interval's dilation
    m = min(num, n)  # the bins kept
    half = m // 2 + 1
    w = _spectral_window(window, n, fname)
    real = domain == "time" and _np.dtype(x.dtype).kind != "c"
    if real:
        spec = _o.fft.rfft(xl)
        if w is not None:  # a real signal's bins l and -l are one: their window values averaged
            k = _np.shape(spec)[-1]
            folded = _o.concatenate([w[:1], (w[1:k] + _o.flip(w[n - k + 1:], 0)) / 2]) if k > 1 else w[:1]
            spec = spec * folded
        spec = spec[..., :half]
        if m % 2 == 0 and num != n:  # the unpaired bin at m // 2
            gain = _np.ones(half)
            gain[m // 2] = 2.0 if num < n else 0.5
            spec = spec * gain
        out = _o.fft.irfft(spec / scale, num)
    else:
        spec = _o.fft.fft(xl) if domain == "time" else xl
        if w is not None:
            spec = spec * w
        lead = _np.shape(spec)[:-1]
        pieces = [spec[..., :half]]
        tail = m - half  # the negative frequencies kept
        middle = num - half - max(tail, 0)
        if middle > 0:
            pieces.append(_np.zeros(lead + (middle,), dtype=_np.complex128))
        if tail > 0:
            pieces.append(spec[..., n - tail:])
        y = _o.concatenate(pieces, axis=-1) if len(pieces) > 1 else pieces[0]
        if m % 2 == 0:  # the unpaired bin at m // 2
            if num < n:  # the pair becomes one bin
                y = _o.concatenate([y[..., :num - m // 2], y[..., num - m // 2:num - m // 2 + 1]
                                    + spec[..., n - m // 2:n - m // 2 + 1], y[..., num - m // 2 + 1:]], axis=-1)
            elif n < num:  # the bin splits into a pair
                gain = _np.ones(num)
                gain[m // 2] = 0.5
                mirror = _np.zeros(num)
                mirror[num - m // 2] = 1.0
                y = y * gain + _o.take(y, _np.full(num, m // 2), axis=-1) * 0.5 * mirror
        out = _o.fft.ifft(y / scale, num)
    out = _o.moveaxis(out, -1, axis)
    if t is None:
        return out
    t = _nd._array(t, fname, "t")
    return out, t[0] + (t[1] - t[0]) * scale * _np.arange(num)


# --------------------------------------------------------------------------- polyphase resampling

def _output_len(taps, n, up, down):
    return ((n - 1) * up + taps - 1) // down + 1


def _background(x, padtype, axis):
    if padtype == "mean":
        return _o.mean(x, axis=axis, keepdims=True)
    if padtype == "median":
        return _o.median(x, axis=axis, keepdims=True)
    if padtype == "minimum":
        return _o.min(x, axis=axis, keepdims=True)
    return _o.max(x, axis=axis, keepdims=True)


def resample_poly(x, up, down, axis=0, window=("kaiser", 5.0), padtype="constant", cval=None):
    """Resample ``x`` by the factor ``up / down`` along ``axis`` with a
    polyphase FIR filter, as :func:`scipy.signal.resample_poly`: a low-pass
    filter designed with ``window`` (or the taps ``window`` when it is an
    array), applied by :func:`upfirdn`; ``padtype`` extends the ends
    (an :func:`upfirdn` mode) or removes the ``'mean'``, ``'median'``,
    ``'minimum'`` or ``'maximum'`` first.  Differentiable in ``x``, array
    taps and ``cval``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import resample_poly
    >>> resample_poly(np.ones(4), 2, 1, window=np.array([0.25, 0.5, 0.25]))
    array([1. , 1. , 1. , 1. , 1. , 1. , 1. , 0.5])
    """
    fname = "resample_poly"
    x = _float_array(x, fname, "x")
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: x must be at least 1-d")
    up, down = _factor(up, fname, "up"), _factor(down, fname, "down")
    if cval is not None and padtype != "constant":
        raise ValueError(f"{fname}: cval has no effect when padtype is {padtype!r}")
    backgrounds = ("mean", "median", "minimum", "maximum")
    if padtype not in backgrounds and padtype not in MODES:
        raise ValueError(f"{fname}: padtype must be one of {', '.join(backgrounds + MODES)}, not {padtype!r}")
    axis = _nd._axis_index(axis, _np.ndim(x), fname)
    g = _math.gcd(up, down)
    up, down = up // g, down // g
    if up == down == 1:
        return x * 1.0 if isinstance(x, _Tracer) else x.copy()
    n = _np.shape(x)[axis]
    n_out = -(-n * up // down)
    if isinstance(window, (list, _np.ndarray, _Tracer)):
        h = _nd._array(window, fname, "window")
        if _np.ndim(h) != 1:
            raise ValueError(f"{fname}: window must be 1-D")
        half = (_np.shape(h)[0] - 1) // 2
        if not isinstance(h, _Tracer) and h.dtype.kind not in "fc":
            h = h.astype(_np.float64)
    else:  # a linear-phase low-pass filter at the lower of the two Nyquist frequencies
        rate = max(up, down)
        half = 10 * rate
        h = _ss.firwin(2 * half + 1, 1.0 / rate, window=window)
    h = h * up
    pre = down - half % down  # zeros before the taps put the output samples at the centre
    drop = (half + pre) // down
    post = 0
    while _output_len(_np.shape(h)[0] + pre + post, n, up, down) < n_out + drop:
        post += 1
    h = _o.concatenate([_np.zeros(pre), h, _np.zeros(post)])
    mode, fill = ("constant", 0.0) if padtype in backgrounds else (padtype, 0.0 if cval is None else cval)
    base = _background(x, padtype, axis) if padtype in backgrounds else None
    y = upfirdn(h, x if base is None else x - base, up, down, axis=axis, mode=mode, cval=fill)
    y = _o.take(y, _np.arange(drop, drop + n_out), axis=axis)
    return y if base is None else y + base
