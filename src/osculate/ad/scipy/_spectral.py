"""``scipy.signal``'s averaged spectra on traced values: ``csd``, ``welch``,
``periodogram`` and ``coherence`` (re-exported by
:mod:`osculate.ad.scipy.signal`).

Welch's method cuts the signal into overlapping segments (a gather with a
plain index table), detrends and windows each, and averages the products
of their Fourier transforms (the mean, or the median scaled by its bias).
All of it is osculate operations, so the spectra are differentiable in the
samples, in an array ``window`` and in ``fs``, under ``vmap`` and ``jit``
(the median picks a segment: piecewise, like a median).
"""

from __future__ import annotations

import numbers as _numbers
import warnings as _warnings

import numpy as _np
import scipy.signal as _ss

from .. import numpy as _o
from ..core import Tracer as _Tracer
from . import ndimage as _nd

__all__ = ["csd", "welch", "periodogram", "coherence"]


def _signal(x, fname, what):
    x = _nd._array(x, fname, what)
    if not isinstance(x, _Tracer) and x.dtype.kind not in "fc":
        x = x.astype(_np.float64)
    return x


def _is_complex(x):
    return _np.dtype(x.dtype).kind == "c"


def _window(window, nperseg, n, fname):
    """The window array and the segment length, as SciPy chooses them."""
    if isinstance(window, (str, tuple)):
        nperseg = 256 if nperseg is None else int(nperseg)
        if nperseg < 1:
            raise ValueError(f"{fname}: nperseg must be a positive integer, not {nperseg}")
        if n < nperseg:
            _warnings.warn(f"nperseg={nperseg} is greater than signal length max(len(x), len(y)) = {n}, using "
                           f"nperseg = {n}", stacklevel=4)
            nperseg = n
        return _ss.get_window(window, nperseg), nperseg
    win = window if isinstance(window, _Tracer) else _np.asarray(window, dtype=float)
    if _np.ndim(win) != 1:
        raise ValueError(f"{fname}: window must be 1-d, not shape {_np.shape(win)}")
    if nperseg is None:
        nperseg = _np.shape(win)[0]
    if nperseg != _np.shape(win)[0]:
        raise ValueError(f"{fname}: nperseg={nperseg} does not equal the window's length {_np.shape(win)[0]}")
    return win, int(nperseg)


def _detrended(seg, detrend):
    """Each segment (along the last axis) with its mean or least-squares line removed."""
    if detrend is False or detrend is None:
        return seg
    if callable(detrend):
        return detrend(seg)
    if detrend in ("constant", "c"):
        return seg - _o.mean(seg, axis=-1, keepdims=True)
    if detrend not in ("linear", "l"):
        raise ValueError(f"detrend must be 'constant', 'linear', False or a function, not {detrend!r}")
    m = _np.shape(seg)[-1]
    basis = _np.stack([_np.ones(m), _np.arange(m) - (m - 1) / 2.0], axis=1)
    q = _np.linalg.qr(basis)[0] if m > 1 else _np.ones((1, 1))
    return seg - _o.matmul(_o.matmul(seg, q), q.T)


def _median_bias(n):
    """The median of ``n`` exponential variables over their mean (SciPy's correction)."""
    k = 2 * _np.arange(1.0, (n - 1) // 2 + 1)
    return 1 + _np.sum(1.0 / (k + 1) - 1.0 / k)


def _cross(x, y, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis, average, fname):
    """``(freqs, Pxy)`` of Welch's method (``y is None``: the auto-spectrum, real)."""
    same = y is None
    x = _signal(x, fname, "x")
    y = x if same else _signal(y, fname, "y")
    if _np.ndim(x) == 0 or _np.ndim(y) == 0:
        raise ValueError(f"{fname}: x and y must be at least 1-d")
    axis_x = _nd._axis_index(axis, _np.ndim(x), fname)
    xl = _o.moveaxis(x, axis_x, -1)
    yl = xl if same else _o.moveaxis(y, _nd._axis_index(axis, _np.ndim(y), fname), -1)
    if not same:
        try:
            _np.broadcast_shapes(_np.shape(xl)[:-1], _np.shape(yl)[:-1])
        except ValueError:
            raise ValueError(f"{fname}: x and y cannot be broadcast together") from None
    nx, ny = _np.shape(xl)[-1], _np.shape(yl)[-1]
    n = max(nx, ny)
    if n == 0:
        raise ValueError(f"{fname}: x and y must not be empty")
    if isinstance(fs, _Tracer):
        pass
    elif not isinstance(fs, _numbers.Real) or not fs > 0:
        raise ValueError(f"{fname}: fs must be a positive number, not {fs!r}")
    if nperseg is not None and int(nperseg) < 1:
        raise ValueError(f"{fname}: nperseg must be a positive integer, not {nperseg}")
    win, nperseg = _window(window, nperseg, n, fname)
    nfft = nperseg if nfft is None else int(nfft)
    if nfft < nperseg:
        raise ValueError(f"{fname}: nfft={nfft} must be greater than or equal to nperseg={nperseg}")
    noverlap = nperseg // 2 if noverlap is None else int(noverlap)
    if noverlap >= nperseg:
        raise ValueError(f"{fname}: noverlap={noverlap} must be less than nperseg={nperseg}")
    if scaling not in ("density", "spectrum"):
        raise ValueError(f"{fname}: scaling must be 'density' or 'spectrum', not {scaling!r}")
    if average not in ("mean", "median"):
        raise ValueError(f"{fname}: average must be 'mean' or 'median', not {average!r}")
    if _is_complex(x) or _is_complex(y):
        return_onesided = False
    if nx < n:  # the shorter signal is padded with zeros
        xl = _o.concatenate([xl, _np.zeros(_np.shape(xl)[:-1] + (n - nx,))], axis=-1)
    if ny < n:
        yl = _o.concatenate([yl, _np.zeros(_np.shape(yl)[:-1] + (n - ny,))], axis=-1)
    hop = nperseg - noverlap
    count = (n - noverlap) // hop
    index = _np.arange(count)[:, None] * hop + _np.arange(nperseg)[None, :]

    def transform(v):
        seg = _detrended(_o.take(v, index, axis=-1), detrend) * win  # (..., segments, nperseg)
        return _o.fft.rfft(seg, nfft) if return_onesided else _o.fft.fft(seg, nfft)

    fx = transform(xl)
    fy = fx if same else transform(yl)
    scale = 1.0 / (fs * _o.sum(win * win)) if scaling == "density" else 1.0 / _o.sum(win) ** 2
    p = _o.conj(fx) * fy * scale
    if return_onesided:  # the negative frequencies folded onto the positive ones
        gain = _np.full(_np.shape(p)[-1], 2.0)
        gain[0] = 1.0
        if nfft % 2 == 0:
            gain[-1] = 1.0
        p = p * gain
    if same:
        p = _o.real(p)
    if count > 1 and average == "median":
        bias = _median_bias(count)
        if _is_complex(p):
            p = (_o.median(_o.real(p), axis=-2) + 1j * _o.median(_o.imag(p), axis=-2)) / bias
        else:
            p = _o.median(p, axis=-2) / bias
    else:
        p = _o.mean(p, axis=-2)
    step = _np.fft.rfftfreq(nfft, 1.0) if return_onesided else _np.fft.fftfreq(nfft, 1.0)
    freqs = step * fs
    return freqs, _o.moveaxis(p, -1, axis_x if _np.ndim(p) == _np.ndim(x) else -1)


def csd(x, y, fs=1.0, window="hann_periodic", nperseg=None, noverlap=None, nfft=None, detrend="constant",
        return_onesided=True, scaling="density", axis=-1, average="mean"):
    """The cross power spectral density of ``x`` and ``y`` by Welch's method,
    as :func:`scipy.signal.csd`: ``(freqs, Pxy)``, ``Pxy`` the average over
    segments of ``conj(X) Y`` (complex).  Differentiable in ``x``, ``y``, an
    array ``window`` and ``fs``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import csd
    >>> f, p = csd(np.array([1.0, 2.0, 0.0, -1.0]), np.array([0.0, 1.0, 1.0, 0.0]), nperseg=4)
    >>> p.round(6)
    array([-0.166667+0.j      ,  0.666667-1.333333j, -0.166667+0.j      ])
    """
    return _cross(x, y, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis, average, "csd")


def welch(x, fs=1.0, window="hann_periodic", nperseg=None, noverlap=None, nfft=None, detrend="constant",
          return_onesided=True, scaling="density", axis=-1, average="mean"):
    """The power spectral density by Welch's method (overlapping windowed
    segments, their periodograms averaged), as :func:`scipy.signal.welch`.
    Differentiable in ``x``, an array ``window`` and ``fs``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import welch
    >>> f, p = welch(np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0]), nperseg=4)
    >>> p.round(6)
    array([0.      , 1.333333, 2.666667])
    """
    return _cross(x, None, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis, average,
                  "welch")


def periodogram(x, fs=1.0, window="boxcar", nfft=None, detrend="constant", return_onesided=True,
                scaling="density", axis=-1):
    """The periodogram (one segment, the whole signal), as
    :func:`scipy.signal.periodogram` (``nfft`` shorter than the signal
    truncates it, longer pads the transform).  Differentiable in ``x``, an
    array ``window`` and ``fs``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import periodogram
    >>> periodogram(np.array([1.0, -1.0, 1.0, -1.0]))[1]
    array([0., 0., 4.])
    """
    fname = "periodogram"
    x = _signal(x, fname, "x")
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: x must be at least 1-d")
    axis_x = _nd._axis_index(axis, _np.ndim(x), fname)
    n = _np.shape(x)[axis_x]
    window = "boxcar" if window is None else window
    if nfft is None or nfft == n:
        nperseg = n
    elif nfft > n:
        nperseg = n
    else:
        x = _o.take(x, _np.arange(int(nfft)), axis=axis_x)
        nperseg, nfft = int(nfft), None
    if not isinstance(window, (str, tuple)) and _np.size(window) != nperseg:
        raise ValueError(f"{fname}: the size of the window must be the length of the input along axis ({nperseg})")
    return _cross(x, None, fs, window, nperseg, 0, nfft, detrend, return_onesided, scaling, axis, "mean", fname)


def coherence(x, y, fs=1.0, window="hann_periodic", nperseg=None, noverlap=None, nfft=None, detrend="constant",
              axis=-1):
    """The magnitude-squared coherence ``|Pxy|^2 / (Pxx Pyy)`` by Welch's
    method, as :func:`scipy.signal.coherence`.  Differentiable in ``x``,
    ``y`` and an array ``window``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import coherence
    >>> x = np.sin(np.arange(16.0))
    >>> coherence(x, 2 * x, nperseg=8)[1].round(6)
    array([1., 1., 1., 1., 1.])
    """
    options = dict(fs=fs, window=window, nperseg=nperseg, noverlap=noverlap, nfft=nfft, detrend=detrend, axis=axis)
    freqs, pxx = welch(x, **options)
    _, pyy = welch(y, **options)
    _, pxy = csd(x, y, **options)
    return freqs, _o.abs(pxy) ** 2 / pxx / pyy
