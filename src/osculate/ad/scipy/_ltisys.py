"""``scipy.signal``'s linear systems on traced values: the frequency
responses ``freqz``, ``freqz_sos`` (``sosfreqz``) and ``freqs``, and the
simulations ``dlsim``, ``dimpulse``, ``dstep``, ``lsim``, ``impulse`` and
``step`` (re-exported by :mod:`osculate.ad.scipy.signal`).

The simulations take SciPy's systems (objects, or tuples of transfer
function, zeros/poles/gain or state-space data, realised in state space as
SciPy does, with traced coefficients kept traced) and run the state
recursion in blocks: within a block the states are powers of ``A`` times
the block's first state plus a block-Toeplitz product with the inputs, so
the time loop is one short loop over blocks.  Continuous systems are first
discretised exactly over each step by the matrix exponential of the
augmented system (zero- or first-order hold), as SciPy does.

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

import math as _math
import numbers as _numbers

import numpy as _np
from scipy import interpolate as _interpolate

from .. import numpy as _o
from ..core import ConcretizationError, Tracer as _Tracer, concrete as _concrete
from ..util import lazy_module as _lazy_module
from . import linalg as _linalg
from . import ndimage as _nd
from ._ndimage_support import _float_array

_ss = _lazy_module("scipy.signal")  # (scipy.signal imports scipy.stats: read on first use)

__all__ = ["freqz", "freqz_sos", "sosfreqz", "freqs", "dlsim", "dimpulse", "dstep", "lsim", "impulse", "step"]


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


def _sections(sos, fname):
    """``sos`` checked as second-order sections, shape ``(n_sections, 6)``, as floats."""
    sos = _float_array(sos, fname, "sos")
    if _np.ndim(sos) != 2 or _np.shape(sos)[1] != 6:
        raise ValueError(f"{fname}: sos must have shape (n_sections, 6), not {_np.shape(sos)}")
    if _np.shape(sos)[0] == 0:
        raise ValueError(f"{fname}: sos must have at least one section")
    return sos


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
    sos = _sections(sos, fname)
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


# --------------------------------------------------------------------------- simulation

#: discrete systems simulate blocks of at most this many steps with one product each
_MAX_BLOCK = 128


def _traced(*xs):
    return any(isinstance(x, _Tracer) for x in xs)


def _poly(roots):
    """The monic polynomial with these roots (descending powers), by
    successive products with ``(s - r)``; real when the roots come in
    conjugate pairs (when their values cannot be seen, that is assumed)."""
    roots = _o.ravel(roots)
    c = _np.ones(1)
    for i in range(_np.shape(roots)[0]):
        c = _o.concatenate([c, _np.zeros(1)]) - _o.concatenate([_np.zeros(1), c * roots[i]])
    if _np.dtype(c.dtype).kind == "c":
        try:
            plain = _np.asarray(_concrete(roots))
            pairs = _np.array_equal(_np.sort(plain[plain.imag > 0]), _np.sort(_np.conj(plain[plain.imag < 0])))
        except ConcretizationError:
            pairs = True
        if pairs:
            c = _o.real(c)
    return c


def _tf2ss(num, den, fname):
    """SciPy's controllable canonical realisation of ``num / den`` (one
    input, one output), with traced coefficients."""
    num, den = _coefficients(num, fname, "num"), _coefficients(den, fname, "den")
    num, den = num / den[0], den / den[0]
    m, k = _np.shape(num)[0], _np.shape(den)[0]
    if m > k:
        raise ValueError(f"{fname}: improper transfer function: the numerator has a higher degree than the "
                         "denominator")
    if m < k:
        num = _o.concatenate([_np.zeros(k - m), num])
    d = _o.reshape(num[:1], (1, 1))
    if k == 1:
        return _np.zeros((1, 1)), _np.zeros((1, 1)), _np.zeros((1, 1)), d
    a = _o.concatenate([-_o.reshape(den[1:], (1, k - 1)), _np.eye(k - 2, k - 1)], axis=0)
    b = _np.eye(k - 1, 1)
    c = _o.reshape(num[1:] - num[0] * den[1:], (1, k - 1))
    return a, b, c, d


def _state_space(system, discrete, fname):
    """``(A, B, C, D, dt, given_as_ss)`` of an (d)lti object or of a tuple
    (tf, zpk or ss, then ``dt`` for discrete systems); SciPy's conversion
    when nothing is traced, otherwise SciPy's realisation with the
    coefficients kept traced."""
    kind, other = (_ss.dlti, _ss.lti) if discrete else (_ss.lti, _ss.dlti)
    if isinstance(system, other):
        raise AttributeError(f"{fname} can only be used with {'discrete-time dlti' if discrete else 'continuous-time'}"
                             " systems")
    if isinstance(system, kind):
        s = system._as_ss()
        return s.A, s.B, s.C, s.D, (s.dt if discrete else None), isinstance(system, _ss.StateSpace)
    parts = tuple(system)
    dt = None
    if discrete:
        parts, dt = parts[:-1], parts[-1]
        if isinstance(dt, _Tracer):
            raise ValueError(f"{fname}: the sampling interval dt must be a plain number")
    if len(parts) not in (2, 3, 4):
        raise ValueError(f"{fname}: a system is (num, den), (zeros, poles, gain) or (A, B, C, D)"
                         f"{', then dt' if discrete else ''}; got {len(parts) + discrete} items")
    if not _traced(*parts):
        s = (_ss.dlti(*parts, dt=dt) if discrete else _ss.lti(*parts))._as_ss()
        return s.A, s.B, s.C, s.D, dt, len(parts) == 4
    if len(parts) == 4:
        mats = []
        for what, m in zip("ABCD", parts):
            m = _nd._array(m, fname, what)
            mats.append(_o.reshape(m, (1, -1)) if _np.ndim(m) < 2 else m)
        a, b, c, d = mats
        return a, b, c, d, dt, True
    if len(parts) == 3:
        zeros, poles, gain = (_nd._array(p, fname, w) for p, w in zip(parts, ("zeros", "poles", "gain")))
        num, den = gain * _poly(zeros), _poly(poles)
    else:
        num, den = parts
    return (*_tf2ss(num, den, fname), dt, False)


def _powers(a, k):
    """``A^0 .. A^(k-1)`` stacked, by doubling."""
    n = _np.shape(a)[0]
    p = _o.reshape(_np.eye(n) + 0 * a, (1, n, n))
    top = a
    while _np.shape(p)[0] < k:
        p = _o.concatenate([p, _o.matmul(p, top)], axis=0)
        top = _o.matmul(top, top)
    return p[:k]


def _recursion(a, b, u, x0):
    """The states ``x[0] = x0``, ``x[i+1] = A x[i] + B u[i]`` (rows of the
    result), for ``len(u)`` steps.

    The time loop is cut into blocks of ``L`` steps: inside a block the
    states are the block's first state times the powers of ``A`` plus the
    inputs times a block-Toeplitz matrix of ``A^j B`` (one product for all
    blocks at once), and only the first states of the blocks are carried
    from one block to the next, ``len(u) / L`` small products in all."""
    steps, n = _np.shape(u)[0], _np.shape(a)[0]
    m = _np.shape(b)[1]
    size = min(steps, _MAX_BLOCK, max(8, _math.isqrt(steps) + 1))
    count = -(-steps // size)
    if count * size != steps:
        u = _o.concatenate([u, _np.zeros((count * size - steps, m))], axis=0)
    p = _powers(a, size + 1)  # (L + 1, n, n)
    g = _o.matmul(p[:size], b)  # A^j B, (L, n, m)
    lag = _np.arange(size)[:, None] - 1 - _np.arange(size)[None, :]  # [j, k]: the power that carries u[k] to x[j]
    toeplitz = _o.where((lag >= 0)[:, :, None, None], _o.take(g, _np.clip(lag, 0, size - 1), axis=0), 0.0)
    toeplitz = _o.reshape(_o.transpose(toeplitz, (0, 2, 1, 3)), (size * n, size * m))
    blocks = _o.reshape(u, (count, size * m))
    forced = _o.matmul(blocks, toeplitz.T)  # (count, L n): the states from the block's inputs alone
    last = _o.reshape(_o.transpose(_o.flip(g, 0), (1, 0, 2)), (n, size * m))  # [A^(L-1) B, ..., B]
    carried = _o.matmul(blocks, last.T)  # what a block's inputs add to the next block's first state
    top = p[size]
    starts = [x0]
    for i in range(count - 1):
        starts.append(_o.matmul(top, starts[-1]) + carried[i])
    starts = _o.stack(starts)  # (count, n)
    free = _o.matmul(starts, _o.reshape(_o.transpose(p[:size], (2, 0, 1)), (n, size * n)))
    states = _o.reshape(free + forced, (count * size, n))
    return states[:steps]


def _float(x, fname, what):
    x = _nd._array(x, fname, what)
    if not isinstance(x, _Tracer):
        x = _np.asarray(x, dtype=_np.result_type(x.dtype, _np.float64))
    return x


def dlsim(system, u, t=None, x0=None):
    """Simulate a discrete-time linear system, as :func:`scipy.signal.dlsim`:
    ``x[k+1] = A x[k] + B u[k]``, ``y[k] = C x[k] + D u[k]`` for a
    :class:`scipy.signal.dlti` or a tuple ``(num, den, dt)``,
    ``(zeros, poles, gain, dt)`` or ``(A, B, C, D, dt)`` (realised as
    SciPy does); ``t`` resamples ``u`` linearly at multiples of ``dt``.
    Returns ``(tout, yout, xout)`` for a state-space system, ``(tout, yout)``
    otherwise.  The recursion is run in blocks (powers of ``A``, one product
    per block), so it is differentiable in the system's coefficients, ``u``
    and ``x0``, under ``vmap`` and ``jit``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import dlsim
    >>> t, y = dlsim(([1.0], [1.0, -0.5], 1.0), np.array([1.0, 0.0, 0.0, 0.0]))
    >>> y.ravel()
    array([0.  , 1.  , 0.5 , 0.25])
    """
    fname = "dlsim"
    a, b, c, d, dt, as_ss = _state_space(system, True, fname)
    u = _float(u, fname, "u")
    if _np.ndim(u) == 0:
        u = _o.reshape(u, (1, 1))
    elif _np.ndim(u) == 1:
        u = _o.reshape(u, (-1, 1))
    n, inputs = _np.shape(a)[0], _np.shape(b)[1]
    if _np.shape(u)[1] != inputs:
        raise ValueError(f"{fname}: u has {_np.shape(u)[1]} columns; the system has {inputs} inputs")
    if t is None:
        samples = _np.shape(u)[0]
        stop = (samples - 1) * dt
    else:
        if isinstance(t, _Tracer):
            raise ValueError(f"{fname}: the times t must be plain values")
        t = _np.asarray(t, dtype=float)
        stop = t[-1]
        samples = int(_np.floor(stop / dt)) + 1
    tout = _np.linspace(0.0, stop, num=samples)
    if t is not None:  # u at the output times, by linear interpolation (a plain matrix)
        from_t = _interpolate.make_interp_spline(t, _np.eye(len(t)), k=1)(tout)
        u = _o.matmul(from_t, u)
    x0 = _np.zeros(n) if x0 is None else _o.ravel(_float(x0, fname, "x0"))
    xout = _recursion(a, b, u, x0 + _np.zeros(n))
    yout = _o.matmul(xout, _o.transpose(c)) + _o.matmul(u, _o.transpose(d))
    return (tout, yout, xout) if as_ss else (tout, yout)


def _discrete_responses(system, x0, t, n, fname, unit):
    a, b, c, d, dt, _ = _state_space(system, True, fname)
    n = 100 if n is None else int(n)
    t = _np.linspace(0, n * dt, n, endpoint=False) if t is None else _np.asarray(t, dtype=float)
    inputs = _np.shape(b)[1]
    out = []
    for i in range(inputs):
        u = _np.zeros((t.shape[0], inputs))
        if unit == "impulse":
            u[0, i] = 1.0
        else:
            u[:, i] = 1.0
        tout, y, _ = dlsim((a, b, c, d, dt), u, t=t, x0=x0)
        out.append(y)
    return tout, tuple(out)


def dimpulse(system, x0=None, t=None, n=None):
    """The impulse response of a discrete-time system (one per input), as
    :func:`scipy.signal.dimpulse`: ``(tout, (y_0, ...))`` by :func:`dlsim`.
    Differentiable in the system's coefficients and ``x0``.

    >>> from osculate.scipy.signal import dimpulse
    >>> dimpulse(([1.0], [1.0, -0.5], 1.0), n=4)[1][0].ravel()
    array([0.  , 1.  , 0.5 , 0.25])
    """
    return _discrete_responses(system, x0, t, n, "dimpulse", "impulse")


def dstep(system, x0=None, t=None, n=None):
    """The step response of a discrete-time system (one per input), as
    :func:`scipy.signal.dstep`, by :func:`dlsim`.  Differentiable in the
    system's coefficients and ``x0``.

    >>> from osculate.scipy.signal import dstep
    >>> dstep(([1.0], [1.0, -0.5], 1.0), n=4)[1][0].ravel()
    array([0.  , 1.  , 1.5 , 1.75])
    """
    return _discrete_responses(system, x0, t, n, "dstep", "step")


def _no_input(u):
    if u is None:
        return True
    if isinstance(u, _Tracer):
        return False
    return isinstance(u, (int, float)) and u == 0.0 or not _np.any(u)


def lsim(system, U, T, X0=None, interp=True):  # noqa: N803 (SciPy's names)
    """Simulate a continuous-time linear system, as :func:`scipy.signal.lsim`:
    the input held between the times ``T`` (equally spaced; ``interp=False``:
    constant, zero-order hold) or linear between them (``interp=True``,
    first-order hold), each step exactly by the matrix exponential of the
    augmented system (:func:`osculate.scipy.linalg.expm`), then the
    discrete recursion of :func:`dlsim`.  ``system``: an :class:`scipy.signal.lti`
    or a tuple ``(num, den)``, ``(zeros, poles, gain)`` or ``(A, B, C, D)``.
    Returns ``(T, yout, xout)`` (squeezed as SciPy does); differentiable in
    the system's coefficients, ``U`` and ``X0`` (the times are plain).

    >>> import numpy as np
    >>> from osculate.scipy.signal import lsim
    >>> t, y, x = lsim(([1.0], [1.0, 1.0]), np.ones(3), np.array([0.0, 1.0, 2.0]), interp=False)
    >>> y.round(6)
    array([0.      , 0.632121, 0.864665])
    """
    fname = "lsim"
    a, b, c, d, _, _ = _state_space(system, False, fname)
    if isinstance(T, _Tracer):
        raise ValueError(f"{fname}: the times T must be plain values")
    T = _np.atleast_1d(_np.asarray(T, dtype=float))  # noqa: N806
    if T.ndim != 1:
        raise ValueError(f"{fname}: T must be a rank-1 array")
    n, inputs = _np.shape(a)[0], _np.shape(b)[1]
    steps = T.size
    x0 = _np.zeros(n) if X0 is None else _o.ravel(_float(X0, fname, "X0")) + _np.zeros(n)
    if T[0] < 0:
        raise ValueError(f"{fname}: initial time must be nonnegative")
    if T[0] > 0:  # carried to the first time with no input
        x0 = _o.matmul(_linalg.expm(a * T[0]), x0)
    no_input = _no_input(U)
    if not no_input:
        U = _float(U, fname, "U")  # noqa: N806
        U = _o.reshape(U, (-1, 1)) if _np.ndim(U) <= 1 else U  # noqa: N806
        if _np.shape(U)[0] != steps:
            raise ValueError(f"{fname}: U must have the same number of rows as elements in T")
        if _np.shape(U)[1] != inputs:
            raise ValueError(f"{fname}: the system has {inputs} inputs, U has {_np.shape(U)[1]} columns")
    if steps == 1:
        xout = _o.reshape(x0, (1, n))
        yout = _o.squeeze(_o.matmul(xout, _o.transpose(c)))
        if not no_input:
            yout = yout + _o.squeeze(_o.matmul(U, _o.transpose(d)))
        return T, yout, _o.squeeze(xout)
    dt = T[1] - T[0]
    if not _np.allclose(_np.diff(T), dt):
        raise ValueError(f"{fname}: time steps are not equally spaced")
    if no_input:
        xout = _recursion(_linalg.expm(a * dt), _np.zeros((n, 1)), _np.zeros((steps, 1)), x0)
        return T, _o.squeeze(_o.matmul(xout, _o.transpose(c))), _o.squeeze(xout)
    if not interp:  # exp([[A dt, B dt], [0, 0]]): the step's state map and the held input's effect
        top = _o.concatenate([a * dt, b * dt], axis=1)
        big = _linalg.expm(_o.concatenate([top, _np.zeros((inputs, n + inputs))], axis=0))
        xout = _recursion(big[:n, :n], big[:n, n:], U, x0)
    else:  # exp([[A dt, B dt, 0], [0, 0, I], [0, 0, 0]]): the input's value and its slope over the step
        top = _o.concatenate([a * dt, b * dt, _np.zeros((n, inputs))], axis=1)
        rest = _np.zeros((2 * inputs, n + 2 * inputs))
        rest[:inputs, n + inputs:] = _np.eye(inputs)
        big = _linalg.expm(_o.concatenate([top, rest], axis=0))
        b1 = big[:n, n + inputs:]
        b0 = big[:n, n:n + inputs] - b1
        both = _o.concatenate([U, _o.concatenate([U[1:], _np.zeros((1, inputs))], axis=0)], axis=1)
        xout = _recursion(big[:n, :n], _o.concatenate([b0, b1], axis=1), both, x0)
    yout = _o.squeeze(_o.matmul(xout, _o.transpose(c))) + _o.squeeze(_o.matmul(U, _o.transpose(d)))
    return T, yout, _o.squeeze(xout)


def _response_times(a, n, fname):
    try:
        plain = _np.asarray(_concrete(a))
    except ConcretizationError:
        raise ValueError(f"{fname}: the default times come from the eigenvalues of A, which a staged system "
                         "cannot tell: pass T") from None
    return _ss._ltisys._default_response_times(plain, n)


def impulse(system, X0=None, T=None, N=None):  # noqa: N803 (SciPy's names)
    """The impulse response of a continuous-time system, as
    :func:`scipy.signal.impulse`: ``(T, yout)``, the free response from
    ``B (+ X0)`` by :func:`lsim` (default times from the slowest pole, held
    fixed for derivatives).  Differentiable in the system's coefficients
    and ``X0``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import impulse
    >>> impulse(([1.0], [1.0, 1.0]), T=np.array([0.0, 1.0]))[1].round(6)
    array([1.      , 0.367879])
    """
    fname = "impulse"
    a, b, c, d, _, _ = _state_space(system, False, fname)
    x = _o.squeeze(b) if X0 is None else _o.squeeze(b + X0)
    n = 100 if N is None else N
    T = _response_times(a, n, fname) if T is None else _np.asarray(T)  # noqa: N806
    _, h, _ = lsim((a, b, c, d), 0.0, T, x, interp=False)
    return T, h


def step(system, X0=None, T=None, N=None):  # noqa: N803 (SciPy's names)
    """The step response of a continuous-time system, as
    :func:`scipy.signal.step`: ``(T, yout)`` by :func:`lsim` with a unit
    input held constant.  Differentiable in the system's coefficients and
    ``X0``.

    >>> import numpy as np
    >>> from osculate.scipy.signal import step
    >>> step(([1.0], [1.0, 1.0]), T=np.array([0.0, 1.0]))[1].round(6)
    array([0.      , 0.632121])
    """
    fname = "step"
    a, b, c, d, _, _ = _state_space(system, False, fname)
    n = 100 if N is None else N
    T = _response_times(a, n, fname) if T is None else _np.asarray(T)  # noqa: N806
    return lsim((a, b, c, d), _np.ones(T.shape), T, X0=X0, interp=False)[:2]
