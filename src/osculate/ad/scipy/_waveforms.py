"""``scipy.signal``'s waveforms on traced values: ``chirp``, ``gausspulse``,
``sawtooth``, ``square`` and ``unit_impulse`` (re-exported by
:mod:`osculate.ad.scipy.signal`).

SciPy's waveforms turn their parameters into Python floats, so a traced
frequency or time cannot pass through them.  Here each is a formula in
osculate's operations: differentiable in the times and in every float
parameter (frequencies, phase, widths), under ``vmap`` and ``jit`` too.
``sawtooth`` is piecewise linear and ``square`` piecewise constant (its
derivative is zero away from the jumps); ``unit_impulse`` has no float
argument and returns SciPy's constant.
"""

from __future__ import annotations

import numbers as _numbers

import numpy as _np

from .. import numpy as _o
from ..core import Tracer as _Tracer, concrete_or_none as _concrete_or_none
from ..util import lazy_module as _lazy_module
from . import ndimage as _nd
from ._ndimage_support import _float_array

_ss = _lazy_module("scipy.signal")  # (scipy.signal imports scipy.stats: read on first use)

__all__ = ["chirp", "gausspulse", "sawtooth", "square", "unit_impulse"]


def _known(x):
    """``x``'s value as a float array when it can be looked at (plain, or traced
    for derivatives only), None when it is staged or batched."""
    v = _concrete_or_none(x)
    return None if v is None else v.astype(float)


def _param(value, fname, what):
    if isinstance(value, _Tracer):
        return value
    if not isinstance(value, _numbers.Real) and _np.ndim(value) != 0:
        raise TypeError(f"{fname}: {what} must be a real number, not {value!r}")
    return float(value)


_METHODS = {"linear": "linear", "lin": "linear", "li": "linear", "quadratic": "quadratic", "quad": "quadratic",
            "q": "quadratic", "logarithmic": "logarithmic", "log": "logarithmic", "lo": "logarithmic",
            "hyperbolic": "hyperbolic", "hyp": "hyperbolic"}


def _chirp_phase(t, f0, t1, f1, method, vertex_zero, fname):
    """The phase (radians) whose derivative is the chirp's instantaneous
    frequency (times 2 pi): linear, quadratic, exponential or hyperbolic in ``t``."""
    two_pi = 2 * _np.pi
    if method == "linear":
        return two_pi * (f0 * t + 0.5 * ((f1 - f0) / t1) * t * t)
    if method == "quadratic":
        beta = (f1 - f0) / (t1 * t1)
        if vertex_zero:
            return two_pi * (f0 * t + beta * t ** 3 / 3)
        return two_pi * (f1 * t + beta * ((t1 - t) ** 3 - t1 ** 3) / 3)
    v0, v1 = _known(f0), _known(f1)
    # f0 == f1 is a constant frequency, where the general formulas are 0/0: that branch is chosen by
    # where (a staged program cannot look), the general one computed with a harmless denominator there
    same = f0 == f1
    if method == "logarithmic":
        if v0 is not None and v1 is not None and v0 * v1 <= 0:
            raise ValueError(f"{fname}: for a logarithmic chirp, f0 and f1 must be nonzero and have the same sign")
        ratio = f1 / f0
        log_ratio = _o.where(same, 1.0, _o.log(ratio))
        general = two_pi * (t1 / log_ratio) * f0 * (ratio ** (t / t1) - 1.0)
    else:
        if (v0 is not None and v0 == 0) or (v1 is not None and v1 == 0):
            raise ValueError(f"{fname}: for a hyperbolic chirp, f0 and f1 must be nonzero")
        sing = -f1 * t1 / _o.where(same, 1.0, f0 - f1)  # where the instantaneous frequency blows up
        general = two_pi * (-sing * f0) * _o.log(_o.abs(1 - t / sing))
    return _o.where(same, two_pi * f0 * t, general)


def chirp(t, f0, t1, f1, method="linear", phi=0, vertex_zero=True, *, complex=False):  # noqa: A002 (SciPy's name)
    """A frequency-swept cosine, as :func:`scipy.signal.chirp`: frequency
    ``f0`` at time 0 and ``f1`` at ``t1``, swept ``'linear'``,
    ``'quadratic'`` (the parabola's vertex at 0 or, with ``vertex_zero=False``,
    at ``t1``), ``'logarithmic'`` or ``'hyperbolic'``; ``phi`` in degrees;
    ``complex=True`` gives ``exp(i phase)``.  Differentiable in ``t``,
    ``f0``, ``t1``, ``f1`` and ``phi``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import chirp
    >>> chirp(np.array([0.0, 0.25, 0.4]), 1.0, 1.0, 3.0).round(6)
    array([ 1.      , -0.382683, -0.929776])
    """
    fname = "chirp"
    if method not in _METHODS:
        raise ValueError(f"{fname}: method must be 'linear', 'quadratic', 'logarithmic' or 'hyperbolic', "
                         f"not {method!r}")
    t = _float_array(t, fname, "t")
    f0, t1, f1, phi = (_param(v, fname, w) for v, w in ((f0, "f0"), (t1, "t1"), (f1, "f1"), (phi, "phi")))
    phase = _chirp_phase(t, f0, t1, f1, _METHODS[method], vertex_zero, fname) + phi * (_np.pi / 180.0)
    return _o.exp(1j * phase) if complex else _o.cos(phase)


def gausspulse(t, fc=1000, bw=0.5, bwr=-6, tpr=-60, retquad=False, retenv=False):
    """A Gaussian-modulated sinusoid, as :func:`scipy.signal.gausspulse`:
    ``exp(-a t^2) cos(2 pi fc t)``, ``a`` set so that the spectrum falls to
    ``bwr`` dB at ``fc (1 +- bw / 2)``; ``retquad`` adds the sine part,
    ``retenv`` the envelope; ``t='cutoff'`` gives the time at which the
    envelope has fallen to ``tpr`` dB.  Differentiable in ``t``, ``fc``,
    ``bw``, ``bwr`` and ``tpr``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import gausspulse
    >>> gausspulse(np.array([0.0, 1e-4, 2e-4]), fc=5000).round(6)
    array([ 1.      , -0.799918,  0.409433])
    """
    fname = "gausspulse"
    fc, bw, bwr, tpr = (_param(v, fname, w) for v, w in ((fc, "fc"), (bw, "bw"), (bwr, "bwr"), (tpr, "tpr")))
    checks = ((fc, lambda v: v < 0, "the centre frequency fc must be >= 0"),
              (bw, lambda v: v <= 0, "the fractional bandwidth bw must be > 0"),
              (bwr, lambda v: v >= 0, "the reference level bwr must be < 0 dB"))
    for value, bad, message in checks:
        v = _known(value)
        if v is not None and bad(v):
            raise ValueError(f"{fname}: {message}, not {float(v)!r}")
    ln10 = _np.log(10.0)
    a = -(_np.pi * fc * bw) ** 2 / (4.0 * (bwr / 20.0) * ln10)  # 4 log(ref), ref = 10^(bwr / 20)
    if isinstance(t, str):
        if t != "cutoff":
            raise ValueError(f"{fname}: if t is a string, it must be 'cutoff', not {t!r}")
        v = _known(tpr)
        if v is not None and v >= 0:
            raise ValueError(f"{fname}: the reference level for the time cutoff tpr must be < 0 dB")
        return _o.sqrt(-(tpr / 20.0) * ln10 / a)
    t = _float_array(t, fname, "t")
    env = _o.exp(-a * t * t)
    inphase = env * _o.cos(2 * _np.pi * fc * t)
    out = (inphase,)
    if retquad:
        out += (env * _o.sin(2 * _np.pi * fc * t),)
    if retenv:
        out += (env,)
    return out[0] if len(out) == 1 else out


def _cycle(t, width, fname):
    """``t`` and ``width`` broadcast, ``t`` modulo ``2 pi``, and where ``width``
    leaves ``[0, 1]`` (SciPy's result is nan there)."""
    t = _float_array(t, fname, "t")
    w = _param(width, fname, "width") if _np.ndim(width) == 0 else _nd._array(width, fname, "width")
    shape = _np.broadcast_shapes(_np.shape(t), _np.shape(w))
    t = _o.broadcast_to(t, shape) if _np.shape(t) != shape else t
    w = w * _np.ones(shape) if _np.shape(w) != shape else w
    return _o.mod(t, 2 * _np.pi), w, (w > 1) | (w < 0)


def sawtooth(t, width=1):
    """A sawtooth wave of period ``2 pi``, as :func:`scipy.signal.sawtooth`:
    rising from -1 to 1 over the first ``width`` of each period, falling
    back over the rest (``width`` in ``[0, 1]``, nan outside).
    Differentiable in ``t`` and ``width`` (piecewise linear).

    >>> import numpy as np
    >>> from osculate.scipy.signal import sawtooth
    >>> sawtooth(np.array([0.0, np.pi / 2, np.pi, 3 * np.pi / 2]), 0.5)
    array([-1.,  0.,  1.,  0.])
    """
    tmod, w, bad = _cycle(t, width, "sawtooth")
    rising = tmod < w * 2 * _np.pi
    up = tmod / (_np.pi * _o.where(rising, w, 1.0)) - 1  # each branch kept finite where the other is used
    down = (_np.pi * (w + 1) - tmod) / (_np.pi * (1 - _o.where(rising, 0.0, w)))
    return _o.where(bad, _np.nan, _o.where(rising, up, down))


def square(t, duty=0.5):
    """A square wave of period ``2 pi``, as :func:`scipy.signal.square`: 1
    over the first ``duty`` of each period, -1 after (``duty`` in
    ``[0, 1]``, nan outside).  Piecewise constant: the derivative is zero.

    >>> import numpy as np
    >>> from osculate.scipy.signal import square
    >>> square(np.array([0.0, 1.0, 4.0, 7.0]))
    array([ 1.,  1., -1.,  1.])
    """
    tmod, w, bad = _cycle(t, duty, "square")
    return _o.where(bad, _np.nan, _o.where(tmod < w * 2 * _np.pi, 1.0, -1.0))


def unit_impulse(shape, idx=None, dtype=float):
    """A unit impulse (zeros, with a one at ``idx``: the start, or the middle
    for ``idx='mid'``), as :func:`scipy.signal.unit_impulse`.  It has no float
    argument: SciPy's constant.

    >>> from osculate.scipy.signal import unit_impulse
    >>> unit_impulse(4, 2)
    array([0., 0., 1., 0.])
    """
    return _ss.unit_impulse(shape, idx=idx, dtype=dtype)
