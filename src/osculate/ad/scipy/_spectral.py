"""``scipy.signal``'s spectra on traced values: the averaged ``csd``,
``welch``, ``periodogram`` and ``coherence``, the short-time transforms
``stft``, ``istft`` and ``spectrogram``, and the Lomb-Scargle periodogram
``lombscargle`` of unevenly sampled data (re-exported by
:mod:`osculate.ad.scipy.signal`).

Welch's method cuts the signal into overlapping segments (a gather with a
plain index table), detrends and windows each, and averages the products
of their Fourier transforms (the mean, or the median scaled by its bias).
All of it is osculate operations, so the spectra are differentiable in the
samples, in an array ``window`` and in ``fs``, under ``vmap`` and ``jit``
(the median picks a segment: piecewise, like a median).  The short-time
transforms keep the segments apart instead of averaging them; ``istft``
puts the inverse transforms of the segments back by overlap-add (shifted
sums of blocks, no scatter), so it too is differentiable, in ``Zxx``, an
array ``window`` and ``fs``.
"""

from __future__ import annotations

import numbers as _numbers
import warnings as _warnings

import numpy as _np

from .. import numpy as _o
from ..core import ConcretizationError, Tracer as _Tracer, concrete as _concrete
from ..util import lazy_module as _lazy_module
from . import ndimage as _nd

_ss = _lazy_module("scipy.signal")  # (scipy.signal imports scipy.stats: read on first use)

__all__ = ["csd", "welch", "periodogram", "coherence", "stft", "istft", "spectrogram", "lombscargle"]


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


# --------------------------------------------------------------------------- short-time transforms

def _legacy_window(window, nperseg, n, fname):
    """The window and segment length of SciPy's short-time functions (a
    named window longer than the signal is shortened, with SciPy's warning)."""
    if isinstance(window, (str, tuple)):
        nperseg = 256 if nperseg is None else int(nperseg)
        if nperseg > n:
            _warnings.warn(f"nperseg = {nperseg:d} is greater than input length  = {n:d}, using nperseg = {n:d}",
                           stacklevel=4)
            nperseg = n
        return _ss.get_window(window, nperseg), nperseg
    win = window if isinstance(window, _Tracer) else _np.asarray(window, dtype=float)
    if _np.ndim(win) != 1:
        raise ValueError(f"{fname}: window must be 1-D, not shape {_np.shape(win)}")
    if n < _np.shape(win)[0]:
        raise ValueError(f"{fname}: window is longer than input signal")
    if nperseg is None:
        nperseg = _np.shape(win)[0]
    elif int(nperseg) != _np.shape(win)[0]:
        raise ValueError(f"{fname}: value specified for nperseg ({nperseg}) is different from length of window "
                         f"({_np.shape(win)[0]})")
    return win, int(nperseg)


def _extended(x, n, boundary, fname):
    """``x`` extended by ``n`` samples at both ends of its last axis, as
    SciPy's ``even_ext``, ``odd_ext``, ``const_ext`` and ``zero_ext``."""
    if boundary is None or n < 1:
        return x
    widths = [(0, 0)] * (_np.ndim(x) - 1) + [(n, n)]
    if boundary == "zeros":
        return _o.pad(x, widths)
    if boundary == "constant":
        return _o.pad(x, widths, mode="edge")
    if n > _np.shape(x)[-1] - 1:
        raise ValueError(f"{fname}: the extension length n ({n}) is too big. It must not exceed x.shape[axis]-1, "
                         f"which is {_np.shape(x)[-1] - 1}.")
    return _o.pad(x, widths, mode="reflect", reflect_type=boundary)


def _short_time(x, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis, psd, boundary,
                padded, fname, noverlap_default=None):
    """``(freqs, times, S)`` of SciPy's legacy short-time helper: every
    (extended, padded) segment detrended, windowed and transformed, kept
    apart; ``psd`` gives ``|X|^2`` scaled (real), otherwise ``X`` scaled by
    the square root of the scale (complex).  ``S`` has the frequencies at
    ``axis`` and the segments last."""
    if boundary not in ("even", "odd", "constant", "zeros", None):
        raise ValueError(f"{fname}: unknown boundary option {boundary!r}, must be one of: ['even', 'odd', "
                         "'constant', 'zeros', None]")
    x = _signal(x, fname, "x")
    if _np.ndim(x) == 0:
        raise ValueError(f"{fname}: x must be at least 1-d")
    if _np.size(x) == 0:
        return _np.empty(_np.shape(x)), _np.empty(_np.shape(x)), _np.empty(_np.shape(x))
    if not isinstance(fs, _Tracer) and (not isinstance(fs, _numbers.Real) or not fs > 0):
        raise ValueError(f"{fname}: fs must be a positive number, not {fs!r}")
    axis = int(axis)
    axis_x = _nd._axis_index(axis, _np.ndim(x), fname)
    xl = _o.moveaxis(x, axis_x, -1)
    if nperseg is not None and int(nperseg) < 1:
        raise ValueError(f"{fname}: nperseg must be a positive integer, not {nperseg}")
    win, nperseg = _legacy_window(window, nperseg, _np.shape(xl)[-1], fname)
    nfft = nperseg if nfft is None else int(nfft)
    if nfft < nperseg:
        raise ValueError(f"{fname}: nfft={nfft} must be greater than or equal to nperseg={nperseg}")
    if noverlap is None:
        noverlap = nperseg // 2 if noverlap_default is None else noverlap_default(nperseg)
    noverlap = int(noverlap)
    if noverlap >= nperseg:
        raise ValueError(f"{fname}: noverlap={noverlap} must be less than nperseg={nperseg}")
    if scaling not in ("density", "spectrum"):
        raise ValueError(f"{fname}: unknown scaling {scaling!r}")
    hop = nperseg - noverlap
    xl = _extended(xl, nperseg // 2, boundary, fname)
    if padded:  # zeros after the end, to a whole number of segments
        extra = (-(_np.shape(xl)[-1] - nperseg) % hop) % nperseg
        if extra:
            xl = _o.concatenate([xl, _np.zeros(_np.shape(xl)[:-1] + (extra,), dtype=xl.dtype)], axis=-1)
    n = _np.shape(xl)[-1]
    if return_onesided and _is_complex(xl):
        _warnings.warn("Input data is complex, switching to return_onesided=False", stacklevel=3)
        return_onesided = False
    if callable(detrend) and axis_x != _np.ndim(x) - 1:  # the function sees the segments along `axis`, as in SciPy
        user = detrend
        detrend = lambda d: _o.moveaxis(user(_o.moveaxis(d, -1, axis)), axis, -1)  # noqa: E731
    count = (n - nperseg) // hop + 1
    index = _np.arange(count)[:, None] * hop + _np.arange(nperseg)[None, :]
    seg = _detrended(_o.take(xl, index, axis=-1), detrend if detrend is not None else False) * win
    fx = _o.fft.rfft(_o.real(seg) if _is_complex(seg) else seg, nfft) if return_onesided else _o.fft.fft(seg, nfft)
    scale = 1.0 / (fs * _o.sum(win * win)) if scaling == "density" else 1.0 / _o.sum(win) ** 2
    if psd:
        p = _o.real(_o.conj(fx) * fx) * scale
        if return_onesided:
            gain = _np.full(_np.shape(p)[-1], 2.0)
            gain[0] = 1.0
            if nfft % 2 == 0:
                gain[-1] = 1.0
            p = p * gain
    else:
        p = fx * _o.sqrt(scale)
    step = _np.fft.rfftfreq(nfft, 1.0) if return_onesided else _np.fft.fftfreq(nfft, 1.0)
    times = _np.arange(nperseg / 2, n - nperseg / 2 + 1, hop)
    if boundary is not None:
        times = times - nperseg / 2
    times = times / fs
    return step * fs, times, _o.moveaxis(p, -1, axis - 1 if axis < 0 else axis)


def stft(x, fs=1.0, window="hann_periodic", nperseg=256, noverlap=None, nfft=None, detrend=False,
         return_onesided=True, boundary="zeros", padded=True, axis=-1, scaling="spectrum"):
    """The short-time Fourier transform, as SciPy's legacy
    :func:`scipy.signal.stft`: ``(f, t, Zxx)``, the transform of every
    windowed segment (the signal first extended by half a segment at each
    end with ``boundary``, then zero-padded to whole segments with
    ``padded``), scaled by ``1 / sum(window)`` (``scaling='spectrum'``) or
    ``1 / sqrt(fs sum(window^2))`` (``'psd'``).  Complex; differentiable in
    ``x``, an array ``window`` and ``fs``.  :func:`istft` inverts it.

    >>> import numpy as np
    >>> from osculate.scipy.signal import stft
    >>> f, t, z = stft(np.array([1.0, 2.0, 0.0, -1.0, 1.0, 0.5]), nperseg=4)
    >>> z.shape, t
    ((3, 4), array([0., 2., 4., 6.]))
    >>> np.abs(z[:, 1]).round(6)
    array([0.25, 0.75, 0.25])
    """
    if scaling == "psd":
        scaling = "density"
    elif scaling != "spectrum":
        raise ValueError(f"stft: scaling must be 'spectrum' or 'psd', not {scaling!r}")
    return _short_time(x, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis, False,
                       boundary, padded, "stft")


def spectrogram(x, fs=1.0, window=("tukey_periodic", 0.25), nperseg=None, noverlap=None, nfft=None,
                detrend="constant", return_onesided=True, scaling="density", axis=-1, mode="psd"):
    """A spectrogram, as SciPy's legacy :func:`scipy.signal.spectrogram`:
    ``(f, t, Sxx)``, the periodogram of every segment (``noverlap``
    ``nperseg // 8`` by default), no extension nor padding.  ``mode``:
    ``'psd'`` (real), ``'complex'`` (the scaled transforms), ``'magnitude'``
    (their moduli), ``'angle'`` or ``'phase'`` (their arguments, unwrapped
    over frequency; piecewise constant jumps, the derivative of the
    argument).  Differentiable in ``x``, an array ``window`` and ``fs``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import spectrogram
    >>> f, t, s = spectrogram(np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0]), window="boxcar", nperseg=4)
    >>> s
    array([[0.],
           [0.],
           [4.]])
    """
    fname = "spectrogram"
    modes = ("psd", "complex", "magnitude", "angle", "phase")
    if mode not in modes:
        raise ValueError(f"{fname}: unknown value for mode {mode!r}, must be one of {list(modes)}")
    freqs, times, s = _short_time(x, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis,
                                  mode == "psd", None, False, fname, noverlap_default=lambda m: m // 8)
    if mode == "magnitude":
        s = _o.abs(s)
    elif mode in ("angle", "phase"):
        s = _o.angle(s)
        if mode == "phase":
            s = _o.unwrap(s, axis=axis - 1 if axis < 0 else axis)
    return freqs, times, s


def _overlap_add(frames, hop):
    """``out[..., i hop + k] += frames[..., i, k]``: each block of ``hop``
    samples of the frames shifted into place and summed (one shift per
    block of a frame), length ``(segments - 1) hop + frame length``."""
    count, length = _np.shape(frames)[-2:]
    blocks = -(-length // hop)
    lead = _np.shape(frames)[:-2]
    if blocks * hop != length:
        frames = _o.concatenate([frames, _np.zeros(lead + (count, blocks * hop - length))], axis=-1)
    frames = _o.reshape(frames, lead + (count, blocks, hop))
    total = None
    for r in range(blocks):
        widths = [(0, 0)] * len(lead) + [(r, blocks - 1 - r), (0, 0)]
        part = _o.pad(frames[..., r, :], widths)
        total = part if total is None else total + part
    out = _o.reshape(total, lead + ((count + blocks - 1) * hop,))
    return out[..., :(count - 1) * hop + length]


def istft(Zxx, fs=1.0, window="hann_periodic", nperseg=None, noverlap=None, nfft=None, input_onesided=True,
          boundary=True, time_axis=-1, freq_axis=-2, scaling="spectrum"):
    """The inverse of :func:`stft`, as SciPy's legacy
    :func:`scipy.signal.istft`: ``(t, x)``, the inverse transform of every
    segment windowed again and overlap-added, divided by the overlap-added
    squared window (SciPy warns where that is tiny: the NOLA condition).
    ``t`` is SciPy's: ``arange(x.shape[0]) / fs``.  Differentiable in
    ``Zxx``, an array ``window`` and ``fs``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import stft, istft
    >>> x = np.array([1.0, 2.0, 0.0, -1.0, 1.0, 0.5])
    >>> istft(stft(x, nperseg=4)[2], nperseg=4)[1].round(12)
    array([ 1. ,  2. ,  0. , -1. ,  1. ,  0.5])
    """
    fname = "istft"
    z = _nd._array(Zxx, fname, "Zxx")
    if not _is_complex(z):
        z = z + 0j if isinstance(z, _Tracer) else _np.asarray(z, dtype=complex)
    nd = _np.ndim(z)
    if nd < 2:
        raise ValueError(f"{fname}: input stft must be at least 2d")
    freq_axis = _nd._axis_index(int(freq_axis), nd, fname)
    time_axis = _nd._axis_index(int(time_axis), nd, fname)
    if freq_axis == time_axis:
        raise ValueError(f"{fname}: must specify differing time and frequency axes")
    segments = _np.shape(z)[time_axis]
    default = 2 * (_np.shape(z)[freq_axis] - 1) if input_onesided else _np.shape(z)[freq_axis]
    nperseg = default if nperseg is None else int(nperseg)
    if nperseg < 1:
        raise ValueError(f"{fname}: nperseg must be a positive integer, not {nperseg}")
    if nfft is None:
        nfft = nperseg if input_onesided and nperseg == default + 1 else default
    elif nfft < nperseg:
        raise ValueError(f"{fname}: nfft={nfft} must be greater than or equal to nperseg={nperseg}")
    nfft = int(nfft)
    noverlap = nperseg // 2 if noverlap is None else int(noverlap)
    if noverlap >= nperseg:
        raise ValueError(f"{fname}: noverlap={noverlap} must be less than nperseg={nperseg}")
    if scaling not in ("spectrum", "psd"):
        raise ValueError(f"{fname}: scaling must be 'spectrum' or 'psd', not {scaling!r}")
    hop = nperseg - noverlap
    others = [a for a in range(nd) if a not in (freq_axis, time_axis)]
    z = _o.transpose(z, others + [time_axis, freq_axis])  # (..., segments, frequencies)
    if isinstance(window, (str, tuple)):
        win = _ss.get_window(window, nperseg)
    else:
        win = window if isinstance(window, _Tracer) else _np.asarray(window, dtype=float)
        if _np.ndim(win) != 1:
            raise ValueError(f"{fname}: window must be 1-D")
        if _np.shape(win)[0] != nperseg:
            raise ValueError(f"{fname}: window must have length of {nperseg}")
    frames = (_o.fft.irfft(z, nfft) if input_onesided else _o.fft.ifft(z, nfft))[..., :nperseg]
    gain = _o.sum(win) if scaling == "spectrum" else _o.sqrt(fs * _o.sum(win * win))
    x = _overlap_add(frames * (gain * win), hop)
    norm = _overlap_add(_o.broadcast_to(win * win, (segments, nperseg)), hop)
    if boundary:
        half = nperseg // 2
        x, norm = x[..., half:_np.shape(x)[-1] - half], norm[..., half:_np.shape(norm)[-1] - half]
    try:
        plain_norm = _np.asarray(_concrete(norm))
    except ConcretizationError:
        plain_norm = None
    if plain_norm is not None and _np.sum(plain_norm > 1e-10) != len(plain_norm):
        _warnings.warn("NOLA condition failed, STFT may not be invertible."
                       + (" Possibly due to missing boundary" if not boundary else ""), stacklevel=2)
    x = x / _o.where(norm > 1e-10, norm, 1.0)
    if input_onesided:
        x = _o.real(x)
    if _np.ndim(x) > 1 and time_axis != nd - 1:
        x = _o.moveaxis(x, -1, time_axis - 1 if freq_axis < time_axis else time_axis)
    return _np.arange(_np.shape(x)[0]) / fs, x


# --------------------------------------------------------------------------- Lomb-Scargle

_NO_VALUE = object()


def _series(v, fname, what):
    v = _nd._array(v, fname, what)
    if not isinstance(v, _Tracer):
        v = _np.asarray(v, dtype=_np.float64)
    elif _is_complex(v):
        raise ValueError(f"{fname}: {what} must be real")
    return v


def lombscargle(x, y, freqs, *, precenter=_NO_VALUE, normalize=False, weights=None, floating_mean=False):
    """The generalized Lomb-Scargle periodogram of samples ``y`` at times
    ``x``, at the angular frequencies ``freqs``, as
    :func:`scipy.signal.lombscargle` (SciPy 1.17): at each frequency the
    weighted least-squares fit of ``a cos(w x) + b sin(w x)`` (``+ c`` with
    ``floating_mean``), after the phase shift ``tau`` that decouples the two
    terms.  ``normalize``: ``False``/``'power'`` (``N/4`` times the fitted
    power), ``True``/``'normalize'`` (over the data's power) or
    ``'amplitude'`` (the complex amplitude ``(a + i b) exp(i tau)``).
    Differentiable in ``y``, ``x``, ``freqs`` and ``weights``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import lombscargle
    >>> t = np.array([0.0, 0.7, 1.1, 2.3, 3.0, 4.2])
    >>> lombscargle(t, np.sin(2.0 * t), np.array([1.0, 2.0]), normalize=True).round(6)
    array([0.25753, 1.     ])
    """
    fname = "lombscargle"
    x, y, freqs = _series(x, fname, "x"), _series(y, fname, "y"), _series(freqs, fname, "freqs")
    weights = _np.ones(_np.shape(y)) if weights is None else _series(weights, fname, "weights")
    if not (_np.ndim(x) == 1 and _np.size(x) > 0 and _np.shape(x) == _np.shape(y) == _np.shape(weights)):
        raise ValueError(f"{fname}: parameters x, y, weights must be 1-D arrays of equal non-zero length")
    if not (_np.ndim(freqs) == 1 and _np.size(freqs) > 0):
        raise ValueError(f"{fname}: parameter freqs must be a 1-D array of non-zero length")
    try:
        plain_w = _np.asarray(_concrete(weights))
    except ConcretizationError:
        plain_w = None
    if plain_w is not None and not (_np.all(plain_w >= 0) and _np.sum(plain_w) > 0):
        raise ValueError(f"{fname}: parameter weights must have only non-negative entries which sum to a "
                         "positive value")
    if isinstance(normalize, bool):
        normalize = "normalize" if normalize else "power"
    if normalize not in ("power", "normalize", "amplitude"):
        raise ValueError(f"{fname}: normalize must be False (or 'power'), True (or 'normalize'), or 'amplitude', "
                         f"not {normalize!r}")
    w = weights / _o.sum(weights)
    if precenter is not _NO_VALUE:
        _warnings.warn("Use of parameter 'precenter' is deprecated as of SciPy 1.17.0 and will be removed in "
                       "1.19.0: pass y - y.mean() instead, or set floating_mean=True", DeprecationWarning,
                       stacklevel=2)
        if precenter:
            y = y - _o.mean(y)
    phase = x[:, None] * freqs[None, :]  # (samples, frequencies)
    cos, sin = _o.cos(phase), _o.sin(phase)
    mean_y = _o.sum(w * y)
    cc = _o.matmul(w, cos * cos)
    ss_ = 1.0 - cc
    cs = _o.matmul(w, cos * sin)
    if floating_mean:
        c, s = _o.matmul(w, cos), _o.matmul(w, sin)
        cc, ss_, cs = cc - c * c, ss_ - s * s, cs - c * s
    tau = 0.5 * _o.arctan2(2.0 * cs, cc - ss_)
    shifted = phase - tau[None, :]
    cos, sin = _o.cos(shifted), _o.sin(shifted)
    wy = w * y
    yc, ys = _o.matmul(wy, cos), _o.matmul(wy, sin)
    cc = _o.matmul(w, cos * cos)
    ss_ = 1.0 - cc
    if floating_mean:
        c, s = _o.matmul(w, cos), _o.matmul(w, sin)
        yc, ys = yc - mean_y * c, ys - mean_y * s
        cc, ss_ = cc - c * c, ss_ - s * s
    tiny = _np.finfo(_np.float64).epsneg  # SciPy's floor, against a zero denominator
    cc = _o.where(cc < tiny, tiny, cc)
    ss_ = _o.where(ss_ < tiny, tiny, ss_)
    a, b = yc / cc, ys / ss_
    if normalize == "amplitude":
        return (a + 1j * b) * _o.exp(1j * tau)
    power = 2.0 * (a * yc + b * ys)
    if normalize == "power":
        return power * (_np.shape(x)[0] / 4.0)
    yy = _o.sum(wy * y)
    if floating_mean:
        yy = yy - mean_y * mean_y
    return power * (0.5 / yy)
