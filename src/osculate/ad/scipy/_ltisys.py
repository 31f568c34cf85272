"""``scipy.signal``'s frequency responses on traced values: ``freqz``,
``freqz_sos`` (``sosfreqz``) and ``freqs`` (re-exported by
:mod:`osculate.ad.scipy.signal`).

SciPy evaluates the transfer function with plain arrays, so a traced
coefficient cannot reach it.  Here the numerator and the denominator are
each one product of the coefficients with a (plain) table of powers of
``z^-1 = exp(-i w)`` (or of ``s = i w``), so the complex response ``h`` is
differentiable in every coefficient (forward and reverse, any order, the
usual complex convention of :func:`osculate.scipy.signal.hilbert`), under
``vmap`` and ``jit``.  The frequencies are plain: from ``worN`` and ``fs``,
or, for ``freqs`` given a count, chosen from the poles and zeros' values
(then held fixed for derivatives: pass the frequencies to make that
explicit).
"""

from __future__ import annotations

import numbers as _numbers

import numpy as _np
import scipy.signal as _ss

from .. import numpy as _o
from ..core import ConcretizationError, Tracer as _Tracer, concrete as _concrete
from . import ndimage as _nd

__all__ = ["freqz", "freqz_sos", "sosfreqz", "freqs"]


def _coefficients(c, fname, what):
    c = _nd._array(c, fname, what)
    if _np.ndim(c) == 0:
        c = _o.reshape(c, (1,)) if isinstance(c, _Tracer) else _np.reshape(c, (1,))
    if _np.ndim(c) != 1 or _np.shape(c)[0] == 0:
        raise ValueError(f"{fname}: {what} must be a non-empty 1-d array of coefficients (one filter; vmap over "
                         f"several), not shape {_np.shape(c)}")
    if not isinstance(c, _Tracer) and c.dtype.kind not in "fc":
        c = c.astype(_np.float64)
    return c


def _digital_frequencies(worN, whole, fs, include_nyquist, fname):
    """The frequencies in radians per sample, from a count or from values in ``fs`` units."""
    if isinstance(fs, _Tracer) or not isinstance(fs, _numbers.Real) or not fs > 0:
        raise ValueError(f"{fname}: fs must be a single positive number, not {fs!r}")
    if worN is None:
        worN = 512
    if isinstance(worN, (_numbers.Integral, _np.integer)) and not isinstance(worN, bool):
        if worN < 0:
            raise ValueError(f"{fname}: worN must be nonnegative, not {worN}")
        return _np.linspace(0, 2 * _np.pi if whole else _np.pi, int(worN), endpoint=include_nyquist and not whole)
    if isinstance(worN, _Tracer):
        raise ValueError(f"{fname}: the frequencies worN must be plain values (they are not differentiated)")
    w = _np.atleast_1d(_np.asarray(worN.real if isinstance(worN, complex) else worN, dtype=float))
    return 2 * _np.pi * w / fs


def _response(c, zinv):
    """``sum_k c[k] zinv^k`` at every point of ``zinv``."""
    powers = zinv[None, :] ** _np.arange(_np.shape(c)[0])[:, None]
    return _o.matmul(c, powers)


def freqz(b, a=1, worN=512, whole=False, plot=None, fs=2 * _np.pi, include_nyquist=False):
    """The frequency response of the digital filter ``b / a``, as
    :func:`scipy.signal.freqz`: ``(w, h)`` with ``h = B(z) / A(z)`` at
    ``z = exp(i w)``, ``w`` in units of ``fs`` (``worN`` points on the upper
    half of the circle, or all of it with ``whole``, or the frequencies
    given).  Differentiable in ``b`` and ``a`` (``h`` is complex).

    >>> import numpy as np
    >>> from osculate.scipy.signal import freqz
    >>> w, h = freqz([0.5, 0.5], worN=3)
    >>> np.abs(h).round(6)
    array([1.      , 0.866025, 0.5     ])
    """
    fname = "freqz"
    b, a = _coefficients(b, fname, "b"), _coefficients(a, fname, "a")
    w = _digital_frequencies(worN, whole, fs, include_nyquist, fname)
    zinv = _np.exp(-1j * w)
    h = _response(b, zinv) / _response(a, zinv)
    w = w * (fs / (2 * _np.pi))
    if plot is not None:
        plot(w, h)
    return w, h


def freqz_sos(sos, worN=512, whole=False, fs=2 * _np.pi):
    """The frequency response of a cascade of second-order sections (rows
    ``b0 b1 b2 a0 a1 a2``), as :func:`scipy.signal.freqz_sos`: the product
    of the sections' :func:`freqz`.  Differentiable in ``sos``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import freqz_sos
    >>> w, h = freqz_sos(np.array([[0.5, 0.5, 0.0, 1.0, 0.0, 0.0]]), worN=3)
    >>> np.abs(h).round(6)
    array([1.      , 0.866025, 0.5     ])
    """
    fname = "freqz_sos"
    sos = _nd._array(sos, fname, "sos")
    if _np.ndim(sos) != 2 or _np.shape(sos)[1] != 6:
        raise ValueError(f"{fname}: sos must have shape (n_sections, 6), not {_np.shape(sos)}")
    if _np.shape(sos)[0] == 0:
        raise ValueError(f"{fname}: sos must have at least one section")
    if not isinstance(sos, _Tracer) and sos.dtype.kind not in "fc":
        sos = sos.astype(_np.float64)
    w = _digital_frequencies(worN, whole, fs, False, fname)
    zinv = _np.exp(-1j * w)
    powers = zinv[None, :] ** _np.arange(3)[:, None]
    h = _o.prod(_o.matmul(sos[:, :3], powers) / _o.matmul(sos[:, 3:], powers), axis=0)
    return w * (fs / (2 * _np.pi)), h


def sosfreqz(sos, worN=512, whole=False, fs=2 * _np.pi):
    """SciPy's older name of :func:`freqz_sos` (the same function).

    >>> import numpy as np
    >>> from osculate.scipy.signal import sosfreqz
    >>> sosfreqz(np.array([[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]]), worN=2)[1]
    array([1.+0.j, 1.+0.j])
    """
    return freqz_sos(sos, worN=worN, whole=whole, fs=fs)


def freqs(b, a, worN=200, plot=None):
    """The frequency response of the analog filter ``b / a`` (coefficients
    of decreasing powers of ``s``), as :func:`scipy.signal.freqs`:
    ``(w, h)`` with ``h = B(i w) / A(i w)``; a count ``worN`` spreads the
    frequencies around the poles and zeros as SciPy does (from their
    values, held fixed for derivatives).  Differentiable in ``b`` and ``a``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import freqs
    >>> w, h = freqs([1.0], [1.0, 1.0], worN=np.array([0.0, 1.0]))
    >>> h.round(6)
    array([1. +0.j , 0.5-0.5j])
    """
    fname = "freqs"
    b, a = _coefficients(b, fname, "b"), _coefficients(a, fname, "a")
    if isinstance(worN, (_numbers.Integral, _np.integer)) and not isinstance(worN, bool):
        try:
            plain_b, plain_a = _np.asarray(_concrete(b)), _np.asarray(_concrete(a))
        except ConcretizationError:
            raise ValueError(f"{fname}: a count worN places the frequencies by the roots of b and a, which a "
                             "staged b or a cannot tell: pass the frequencies as worN") from None
        w = _ss.findfreqs(plain_b, plain_a, int(worN))
    else:
        if isinstance(worN, _Tracer):
            raise ValueError(f"{fname}: the frequencies worN must be plain values (they are not differentiated)")
        w = _np.atleast_1d(_np.asarray(worN, dtype=float))
    s = 1j * w
    powers_b = s[None, :] ** _np.arange(_np.shape(b)[0] - 1, -1, -1)[:, None]
    powers_a = s[None, :] ** _np.arange(_np.shape(a)[0] - 1, -1, -1)[:, None]
    h = _o.matmul(b, powers_b) / _o.matmul(a, powers_a)
    if plot is not None:
        plot(w, h)
    return w, h
