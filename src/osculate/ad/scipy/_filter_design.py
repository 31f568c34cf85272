"""``scipy.signal``'s filter design on traced parameters (re-exported by
:mod:`osculate.ad.scipy.signal`).

A model that learns a filter differentiates its coefficients with respect
to the design parameters: the cut-off frequencies, the ripples, the quality
factor.  SciPy turns these into Python floats, so a traced value cannot pass
through its designs.  Here a design is the same chain SciPy follows, written
with osculate's operations:

* the analog prototype for the order ``N`` (an integer, plain): Butterworth
  and Bessel poles are constants, Chebyshev poles move smoothly with the
  ripple ``rp`` (type I) or the attenuation ``rs`` (type II); the elliptic
  prototype comes from SciPy (plain ``rp`` and ``rs``: it is found by an
  iteration), the rest of its design is traced;
* the frequency transforms (``lp2lp``, ``lp2hp``, ``lp2bp``, ``lp2bs``, on
  transfer functions and on zeros/poles/gain) and the bilinear transform,
  smooth in the frequencies and ``fs``;
* the conversions between forms: ``zpk2tf``, ``tf2zpk`` (the roots are
  differentiable where they are simple), ``normalize``, ``sos2tf``,
  ``sos2zpk``, ``zpk2sos`` and ``tf2sos``.  Which zeros and poles share a
  second-order section is SciPy's choice made on the plain values (a
  piecewise-constant choice); the sections are then built from the traced
  roots;
* the notch, peak and comb filters (``iirnotch``, ``iirpeak``,
  ``iircomb``), differentiable in ``w0`` and ``Q``;
* the windowed FIR design ``firwin`` (differentiable in the cut-offs; the
  window is a constant) and the least-squares FIR design ``firls``
  (differentiable in the band edges, the desired gains and the weights).

On plain inputs SciPy itself is called, so the values are SciPy's.
"""

from __future__ import annotations

import numbers as _numbers
import warnings as _warnings

import numpy as _np

from .. import numpy as _o
from ..core import Tracer as _Tracer, concrete_or_none as _concrete_or_none
from ..util import lazy_module as _lazy_module
from . import ndimage as _nd
from ._ltisys import _sections

_ss = _lazy_module("scipy.signal")  # (scipy.signal imports scipy.stats: read on first use)

__all__ = [
    "zpk2tf", "tf2zpk", "normalize", "zpk2sos", "sos2tf", "sos2zpk", "tf2sos", "bilinear", "bilinear_zpk",
    "lp2lp", "lp2hp", "lp2bp", "lp2bs", "lp2lp_zpk", "lp2hp_zpk", "lp2bp_zpk", "lp2bs_zpk",
    "buttap", "cheb1ap", "cheb2ap", "iirfilter", "butter", "cheby1", "cheby2", "ellip", "bessel",
    "iirnotch", "iirpeak", "iircomb", "firwin", "firwin2", "firls",
]


# --------------------------------------------------------------------------- helpers

def _traced(*xs):
    """Whether any argument (or an entry of a list argument) is traced."""
    for x in xs:
        if isinstance(x, _Tracer):
            return True
        if isinstance(x, (list, tuple)) and _traced(*x):
            return True
    return False


def _vec(x, fname, what):
    """``x`` as an at-least-1-d array (a list may hold tracers)."""
    x = _nd._array(x, fname, what)
    if _np.ndim(x) == 0:
        x = _o.reshape(x, (1,)) if isinstance(x, _Tracer) else _np.reshape(x, (1,))
    return x


def _values(x, fname, what):
    """The plain values of ``x``; a clear error where they do not exist (inside ``jit`` or ``vmap``)."""
    if not isinstance(x, _Tracer):
        return _np.asarray(x)
    v = _concrete_or_none(x)
    if v is None:
        raise ValueError(f"{fname}: {what} is decided from the values, which do not exist inside jit or vmap; "
                         "call it outside jit/vmap (or use output='ba' or 'zpk' for a design)")
    return _np.asarray(v)


def _poly(r, real):
    """The monic polynomial with roots ``r`` (highest power first), its real
    part when ``real`` (the roots known to come in conjugate pairs): a product
    of linear factors, so no values are needed (it works under ``jit``)."""
    n = _np.shape(r)[0]
    a = _np.ones(1)
    for i in range(n):
        a = _o.concatenate([a, _np.zeros(1)]) - r[i] * _o.concatenate([_np.zeros(1), a])
    if real and _np.iscomplexobj(a):
        a = _o.real(a)
    return a


def _conjugate_closed(r):
    return bool(_np.all(_np.sort_complex(r) == _np.sort_complex(_np.conj(r))))


def _as_complex(x):
    return x + 0j if _np.dtype(x.dtype).kind != "c" else x


def _relative_degree(z, p, fname):
    degree = _np.shape(p)[0] - _np.shape(z)[0]
    if degree < 0:
        raise ValueError(f"{fname}: improper transfer function; must have at least as many poles as zeros")
    return degree


def _prod(x):
    return _o.prod(x) if _np.shape(x)[0] else 1.0


def _concat(parts):
    parts = [p for p in parts if _np.shape(p)[0]]
    if not parts:
        return _np.zeros(0)
    return _o.concatenate(parts) if len(parts) > 1 else parts[0]


def _scalar(x, fname, what):
    if isinstance(x, _Tracer):
        if _np.ndim(x) != 0:
            raise ValueError(f"{fname}: {what} must be a scalar")
        return x
    if not isinstance(x, _numbers.Real) and _np.ndim(x) != 0:
        raise ValueError(f"{fname}: {what} must be a single scalar, not {x!r}")
    return float(x)


def _order(N, fname):
    if isinstance(N, _Tracer) or isinstance(N, bool) or not float(N).is_integer() or N < 0:
        raise ValueError(f"{fname}: the filter order N must be a plain nonnegative integer (it is not "
                         f"differentiable), not {N!r}")
    return int(N)


def _pad_left(c, n):
    m = _np.shape(c)[0]
    return c if m >= n else _o.concatenate([_np.zeros(n - m), c])


def _power(c, m):
    """The coefficients of the polynomial ``c`` to the power ``m``."""
    out = _np.ones(1)
    for _ in range(m):
        out = _o.convolve(out, c)
    return out


def _substitute(b, num, den, M):
    """``sum_j b[j] num^(N-j) den^(M-N+j)`` (``N = len(b) - 1``): the
    numerator of ``B(num/den)`` times ``den^M``, all coefficients highest
    power first."""
    N = _np.shape(b)[0] - 1
    terms = [b[j] * _o.convolve(_power(num, N - j), _power(den, M - N + j)) for j in range(N + 1)]
    size = max(_np.shape(t)[0] for t in terms)
    return sum(_pad_left(t, size) for t in terms)


# --------------------------------------------------------------------------- conversions

def normalize(b, a):
    """Normalise a transfer function so that ``a[0] == 1``, as
    :func:`scipy.signal.normalize`: leading zeros of ``a`` are dropped,
    numerator columns that are all below ``1e-14`` in magnitude (checked on
    the values) are dropped with SciPy's ``BadCoefficients`` warning.
    Differentiable in ``b`` and ``a``.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import normalize
    >>> osc.grad(lambda a0: normalize([1.0, 2.0], [a0, 1.0])[0][1])(2.0)
    array(-0.5)
    """
    if not _traced(b, a):
        return _ss.normalize(b, a)
    fname = "normalize"
    num, den = _nd._array(b, fname, "b"), _vec(a, fname, "a")
    if _np.ndim(den) != 1:
        raise ValueError(f"{fname}: denominator polynomial must be rank-1 array")
    num = num if _np.ndim(num) == 2 else _o.reshape(num, (1, -1))
    if _np.ndim(num) > 2:
        raise ValueError(f"{fname}: numerator polynomial must be rank-1 or rank-2 array")
    dv = _concrete_or_none(den)
    if dv is not None:
        if _np.all(dv == 0):
            raise ValueError(f"{fname}: denominator must have at least one nonzero element")
        den = den[int(_np.flatnonzero(dv)[0]):]
    num, den = num / den[0], den / den[0]
    nv = _concrete_or_none(num)
    if nv is not None:
        lead = 0
        for j in range(nv.shape[-1]):
            if not _np.all(_np.abs(nv[:, j]) <= 1e-14):
                break
            lead += 1
        if lead:
            _warnings.warn("Badly conditioned filter coefficients (numerator): the results may be meaningless",
                           _ss.BadCoefficients, stacklevel=2)
            num = num[:, min(lead, nv.shape[1] - 1):]
    if _np.shape(num)[0] == 1:
        num = num[0]
    return num, den


def zpk2tf(z, p, k):
    """Zeros, poles and gain to the transfer function ``(b, a)``, as
    :func:`scipy.signal.zpk2tf` (real when the roots come in conjugate pairs).
    Differentiable in all three.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import zpk2tf
    >>> osc.grad(lambda p: zpk2tf([-1.0], [p], 2.0)[1][1])(0.5)
    array(-1.)
    """
    if not _traced(z, p, k):
        return _ss.zpk2tf(z, p, k)
    fname = "zpk2tf"
    z, p = _vec(z, fname, "z"), _vec(p, fname, "p")
    if _np.ndim(z) > 1 or _np.ndim(p) > 1:
        raise ValueError(f"{fname}: traced zeros must be 1-d (for several numerators, call it once per row)")

    def real(r):
        if not _np.iscomplexobj(r):
            return True
        return _conjugate_closed(_values(r, fname, "whether the coefficients are real"))

    b = k * _poly(z, real(z))
    a = _poly(p, real(p))
    return b, a


def tf2zpk(b, a):
    """The zeros, poles and gain of a transfer function, as
    :func:`scipy.signal.tf2zpk` (the roots, in NumPy's order, are
    differentiable where they are simple; found on the values, so not inside
    ``jit`` or ``vmap``).

    >>> import osculate as osc
    >>> from osculate.scipy.signal import tf2zpk
    >>> osc.grad(lambda c: tf2zpk([1.0, c], [1.0, 0.5])[0][0])(2.0)
    array(-1.)
    """
    if not _traced(b, a):
        return _ss.tf2zpk(b, a)
    b, a = normalize(b, a)
    k = b[0]
    return _o.roots(b / k), _o.roots(a), k


def sos2tf(sos):
    """Second-order sections to a transfer function (the products of the
    numerators and of the denominators), as :func:`scipy.signal.sos2tf`.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.signal import sos2tf
    >>> section = lambda c: np.array([1.0, 0, 0, 1, 0, 0]) + c * np.eye(6)[1]
    >>> osc.grad(lambda c: sos2tf(np.stack([section(c), np.array([1.0, 1.0, 0, 1, 0, 0])]))[0][1])(0.5)
    np.float64(1.0)
    """
    if not _traced(sos):
        return _ss.sos2tf(sos)
    sos = _sections(sos, "sos2tf")
    b, a = _np.ones(1), _np.ones(1)
    for i in range(_np.shape(sos)[0]):
        b, a = _o.convolve(b, sos[i, :3]), _o.convolve(a, sos[i, 3:])
    return b, a


def sos2zpk(sos):
    """The zeros, poles and gain of second-order sections, as
    :func:`scipy.signal.sos2zpk` (each section's roots, zeros appended where
    a section has fewer than two; the roots need the values).

    >>> import numpy as np
    >>> from osculate.scipy.signal import sos2zpk
    >>> sos2zpk(np.array([[2.0, 2.0, 0.0, 1.0, -0.5, 0.0]]))
    (array([-1.+0.j,  0.+0.j]), array([0.5+0.j, 0. +0.j]), np.float64(2.0))
    """
    if not _traced(sos):
        return _ss.sos2zpk(sos)
    fname = "sos2zpk"
    sos = _sections(sos, fname)
    zs, ps, k = [], [], 1.0
    for i in range(_np.shape(sos)[0]):
        z, p, g = tf2zpk(sos[i, :3], sos[i, 3:])
        zs.append(_as_complex(_o.asarray(z)) if _np.shape(z)[0] else _np.zeros(0, complex))
        zs.append(_np.zeros(2 - _np.shape(z)[0], complex))
        ps.append(_as_complex(_o.asarray(p)) if _np.shape(p)[0] else _np.zeros(0, complex))
        ps.append(_np.zeros(2 - _np.shape(p)[0], complex))
        k = k * g
    return _concat(zs), _concat(ps), k


def _match(section_roots, pool, used):
    """Indices into ``pool`` (plain values) of the roots of one plain section:
    each root is taken as the nearest unused entry, a complex root with its
    conjugate partner.  Returns ``[(index, paired)]``."""
    out, skip = [], set()
    for j, r in enumerate(section_roots):
        if j in skip:
            continue
        free = [i for i in range(len(pool)) if i not in used]
        i = min(free, key=lambda t: abs(pool[t] - r))
        used.add(i)
        if pool[i].imag != 0:  # a complex root: its conjugate is the section's other root
            free = [t for t in range(len(pool)) if t not in used]
            used.add(min(free, key=lambda t: abs(pool[t] - _np.conj(pool[i]))))
            rest = [t for t in range(len(section_roots)) if t != j and t not in skip]
            skip.add(min(rest, key=lambda t: abs(section_roots[t] - _np.conj(r))))
            out.append((i, True))
        else:
            out.append((i, False))
    return out


def _factor(roots, matched, n):
    """The real polynomial (``n`` coefficients, zeros to the left) of the traced roots matched."""
    c = _np.ones(1)
    for i, paired in matched:
        r = roots[i]
        if paired:
            f = _o.stack([_np.ones(()), -2 * _o.real(r), _o.real(r) ** 2 + _o.imag(r) ** 2])
        else:
            f = _o.stack([_np.ones(()), -_o.real(r) if _np.iscomplexobj(r) else -r])
        c = _o.convolve(c, f)
    return _pad_left(c, n)


def zpk2sos(z, p, k, pairing=None, *, analog=False):
    """Zeros, poles and gain to second-order sections, as
    :func:`scipy.signal.zpk2sos`.  Which roots share a section (and the order
    of the sections) is SciPy's choice made on the plain values, a
    piecewise-constant choice; each section is then built from the traced
    roots (a complex pair as ``1 - 2 Re(r) x + |r|^2 x^2``), the gain in the
    first.  Differentiable in ``z``, ``p`` and ``k``.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import zpk2sos
    >>> osc.grad(lambda r: zpk2sos([-1.0, -1.0], [r + 0.5j, r - 0.5j], 1.0)[0, 4])(0.5)
    np.float64(-2.0)
    """
    if not _traced(z, p, k):
        return _ss.zpk2sos(z, p, k, pairing=pairing, analog=analog)
    fname = "zpk2sos"
    z, p = _vec(z, fname, "z"), _vec(p, fname, "p")
    if _np.ndim(z) != 1 or _np.ndim(p) != 1:
        raise ValueError(f"{fname}: z and p must be 1-d")
    zv = _values(z, fname, "which roots share a section").astype(complex)
    pv = _values(p, fname, "which roots share a section").astype(complex)
    kv = _values(k, fname, "the gain's sign")
    plain = _ss.zpk2sos(zv, pv, kv, pairing=pairing, analog=analog)
    # SciPy pads with roots at the origin (constants here) before pairing: the pools hold those too
    pad = max(len(pv), len(zv))
    zpool = _np.concatenate([zv, _np.zeros(pad - len(zv) + 2)])
    ppool = _np.concatenate([pv, _np.zeros(pad - len(pv) + 2)])
    zt = _concat([z, _np.zeros(pad - len(zv) + 2, z.dtype)])
    pt = _concat([p, _np.zeros(pad - len(pv) + 2, p.dtype)])
    zused, pused, rows = set(), set(), []
    for i, row in enumerate(plain):
        bz = _np.trim_zeros(row[:3], "f")
        az = _np.trim_zeros(row[3:], "f")
        bm = _match(_np.roots(bz).astype(complex), zpool, zused)
        am = _match(_np.roots(az).astype(complex), ppool, pused)
        b, a = _factor(zt, bm, 3), _factor(pt, am, 3)
        if i == 0:
            b = b * (_o.real(k) if _np.iscomplexobj(k) else k)
        rows.append(_o.concatenate([b, a]))
    return _o.stack(rows)


def tf2sos(b, a, pairing=None, *, analog=False):
    """A transfer function to second-order sections, as
    :func:`scipy.signal.tf2sos`: :func:`tf2zpk` then :func:`zpk2sos`.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import tf2sos
    >>> osc.grad(lambda c: tf2sos([1.0, c], [1.0, -0.5])[0, 1])(0.25)
    array(1.)
    """
    if not _traced(b, a):
        return _ss.tf2sos(b, a, pairing=pairing, analog=analog)
    return zpk2sos(*tf2zpk(b, a), pairing=pairing, analog=analog)


# --------------------------------------------------------------------------- frequency transforms

def lp2lp_zpk(z, p, k, wo=1.0):
    """A low-pass prototype to cut-off ``wo`` (zeros/poles/gain form), as
    :func:`scipy.signal.lp2lp_zpk`.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import lp2lp_zpk
    >>> osc.grad(lambda w: lp2lp_zpk([], [-1.0], 1.0, w)[2])(2.0)
    np.float64(1.0)
    """
    if not _traced(z, p, k, wo):
        return _ss.lp2lp_zpk(z, p, k, wo)
    fname = "lp2lp_zpk"
    z, p = _vec(z, fname, "z"), _vec(p, fname, "p")
    degree = _relative_degree(z, p, fname)
    return wo * z, wo * p, k * wo ** degree


def lp2hp_zpk(z, p, k, wo=1.0):
    """A low-pass prototype to a high-pass of cut-off ``wo`` (``s -> wo/s``),
    as :func:`scipy.signal.lp2hp_zpk`.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import lp2hp_zpk
    >>> osc.grad(lambda w: lp2hp_zpk([], [-1.0], 1.0, w)[1][0])(2.0)
    np.float64(-1.0)
    """
    if not _traced(z, p, k, wo):
        return _ss.lp2hp_zpk(z, p, k, wo)
    fname = "lp2hp_zpk"
    z, p = _vec(z, fname, "z"), _vec(p, fname, "p")
    degree = _relative_degree(z, p, fname)
    ratio = _prod(-z) / _prod(-p)
    ratio = _o.real(ratio) if _np.iscomplexobj(ratio) else ratio
    return _concat([wo / z, _np.zeros(degree)]), wo / p, k * ratio


def _split(r, bw, wo, band):
    """``c ± sqrt(c^2 - wo^2)`` in complex arithmetic, ``c = r bw / 2`` (band-pass)
    or ``(bw / 2) / r`` (band-stop)."""
    if not _np.shape(r)[0]:
        return _np.zeros(0, complex)
    c = _as_complex(r * bw / 2 if band == "pass" else (bw / 2) / r)
    root = _o.sqrt(c * c - wo * wo)
    # on the branch cut (a real root, the square root of a negative number) the sign of a zero
    # imaginary part picks the branch: follow SciPy's arithmetic on the values (a constant choice)
    rv, bv, wv, got = (_plain(x) for x in (r, bw, wo, root))
    if not any(x is None for x in (rv, bv, wv, got)):
        cv = (rv * bv / 2 if band == "pass" else (bv / 2) / rv).astype(complex)
        want = _np.sqrt(cv ** 2 - float(wv) ** 2)
        flip = _np.abs(got + want) < _np.abs(got - want)
        if flip.any():
            root = root * _np.where(flip, -1.0, 1.0)
    return _o.concatenate([c + root, c - root])


def _plain(x):
    return _concrete_or_none(x) if isinstance(x, _Tracer) else _np.asarray(x)


def lp2bp_zpk(z, p, k, wo=1.0, bw=1.0):
    """A low-pass prototype to a band-pass centred on ``wo`` of width ``bw``,
    as :func:`scipy.signal.lp2bp_zpk`.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import lp2bp_zpk
    >>> osc.grad(lambda bw: lp2bp_zpk([], [-1.0], 1.0, 1.0, bw)[2])(0.5)
    np.float64(1.0)
    """
    if not _traced(z, p, k, wo, bw):
        return _ss.lp2bp_zpk(z, p, k, wo, bw)
    fname = "lp2bp_zpk"
    z, p = _vec(z, fname, "z"), _vec(p, fname, "p")
    degree = _relative_degree(z, p, fname)
    z_bp = _concat([_split(z, bw, wo, "pass"), _np.zeros(degree, complex)])
    return z_bp, _split(p, bw, wo, "pass"), k * bw ** degree


def lp2bs_zpk(z, p, k, wo=1.0, bw=1.0):
    """A low-pass prototype to a band-stop centred on ``wo`` of width ``bw``,
    as :func:`scipy.signal.lp2bs_zpk`.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import lp2bs_zpk
    >>> osc.grad(lambda w: lp2bs_zpk([], [-1.0], 1.0, w, 0.5)[0][0].imag)(2.0)
    np.float64(1.0)
    """
    if not _traced(z, p, k, wo, bw):
        return _ss.lp2bs_zpk(z, p, k, wo, bw)
    fname = "lp2bs_zpk"
    z, p = _vec(z, fname, "z"), _vec(p, fname, "p")
    degree = _relative_degree(z, p, fname)
    zi = _split(z, bw, wo, "stop")
    pi = _split(p, bw, wo, "stop")
    ones = _np.ones(degree)
    z_bs = _concat([zi, _as_complex(ones * wo) * 1j, _as_complex(ones * wo) * -1j])
    ratio = _prod(-z) / _prod(-p)
    ratio = _o.real(ratio) if _np.iscomplexobj(ratio) else ratio
    return z_bs, pi, k * ratio


def bilinear_zpk(z, p, k, fs):
    """An analog filter to a digital one by the bilinear transform
    ``s = 2 fs (z - 1) / (z + 1)`` (zeros/poles/gain), as
    :func:`scipy.signal.bilinear_zpk`.  Differentiable in ``fs`` too.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import bilinear_zpk
    >>> osc.grad(lambda fs: bilinear_zpk([], [-1.0], 1.0, fs)[1][0])(0.5)
    np.float64(1.0)
    """
    if not _traced(z, p, k, fs):
        return _ss.bilinear_zpk(z, p, k, fs)
    fname = "bilinear_zpk"
    z, p = _vec(z, fname, "z"), _vec(p, fname, "p")
    fs = _scalar(fs, fname, "fs")
    degree = _relative_degree(z, p, fname)
    fs2 = 2.0 * fs
    z_z = _concat([(fs2 + z) / (fs2 - z), -_np.ones(degree)])
    ratio = _prod(fs2 - z) / _prod(fs2 - p)
    ratio = _o.real(ratio) if _np.iscomplexobj(ratio) else ratio
    return z_z, (fs2 + p) / (fs2 - p), k * ratio


def _ba(b, a, fname):
    b, a = _vec(b, fname, "b"), _vec(a, fname, "a")
    for what, c in (("b", b), ("a", a)):
        if _np.ndim(c) != 1:
            raise ValueError(f"{fname}: traced {what} must be 1-d")
    return b * 1.0, a * 1.0


def lp2lp(b, a, wo=1.0):
    """A low-pass prototype transfer function to cut-off ``wo``, as
    :func:`scipy.signal.lp2lp`.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import lp2lp
    >>> osc.grad(lambda w: lp2lp([1.0], [1.0, 1.0], w)[1][1])(2.0)
    np.float64(1.0)
    """
    if not _traced(b, a, wo):
        return _ss.lp2lp(b, a, wo)
    b, a = _ba(b, a, "lp2lp")
    d, n = _np.shape(a)[0], _np.shape(b)[0]
    M = max(d, n)
    powers = [wo ** e for e in range(M - 1, -1, -1)]
    s1, s2 = max(n - d, 0), max(d - n, 0)
    return normalize(b * powers[s1] / _o.stack(powers[s2:]), a * powers[s1] / _o.stack(powers[s1:]))


def lp2hp(b, a, wo=1.0):
    """A low-pass prototype transfer function to a high-pass of cut-off
    ``wo``, as :func:`scipy.signal.lp2hp`.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import lp2hp
    >>> osc.grad(lambda w: lp2hp([1.0], [1.0, 1.0], w)[1][1])(2.0)
    np.float64(1.0)
    """
    if not _traced(b, a, wo):
        return _ss.lp2hp(b, a, wo)
    b, a = _ba(b, a, "lp2hp")
    M = max(_np.shape(a)[0], _np.shape(b)[0]) - 1
    num, den = _o.reshape(wo * 1.0, (1,)), _np.array([1.0, 0.0])  # s -> wo / s
    return normalize(_substitute(b, num, den, M), _substitute(a, num, den, M))


def lp2bp(b, a, wo=1.0, bw=1.0):
    """A low-pass prototype transfer function to a band-pass centred on
    ``wo`` of width ``bw`` (``s -> (s^2 + wo^2) / (bw s)``), as
    :func:`scipy.signal.lp2bp`.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import lp2bp
    >>> osc.grad(lambda bw: lp2bp([1.0], [1.0, 1.0], 1.0, bw)[0][0])(0.5)
    np.float64(1.0)
    """
    if not _traced(b, a, wo, bw):
        return _ss.lp2bp(b, a, wo, bw)
    b, a = _ba(b, a, "lp2bp")
    M = max(_np.shape(a)[0], _np.shape(b)[0]) - 1
    num = _o.stack([1.0 + 0.0 * wo, 0.0 * wo, wo * wo])
    den = _o.stack([bw, 0.0 * bw])
    return normalize(_substitute(b, num, den, M), _substitute(a, num, den, M))


def lp2bs(b, a, wo=1.0, bw=1.0):
    """A low-pass prototype transfer function to a band-stop centred on
    ``wo`` of width ``bw`` (``s -> bw s / (s^2 + wo^2)``), as
    :func:`scipy.signal.lp2bs`.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import lp2bs
    >>> osc.grad(lambda bw: lp2bs([1.0], [1.0, 1.0], 1.0, bw)[1][1])(0.5)
    np.float64(1.0)
    """
    if not _traced(b, a, wo, bw):
        return _ss.lp2bs(b, a, wo, bw)
    b, a = _ba(b, a, "lp2bs")
    M = max(_np.shape(a)[0], _np.shape(b)[0]) - 1
    num = _o.stack([bw, 0.0 * bw])
    den = _o.stack([1.0 + 0.0 * wo, 0.0 * wo, wo * wo])
    return normalize(_substitute(b, num, den, M), _substitute(a, num, den, M))


def bilinear(b, a, fs=1.0):
    """An analog transfer function to a digital one by the bilinear transform
    (``s = 2 fs (1 - 1/z) / (1 + 1/z)``), as :func:`scipy.signal.bilinear`.
    Differentiable in ``b``, ``a`` and ``fs``.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import bilinear
    >>> bilinear([1.0], [1.0, 1.0], 0.5)[0].round(12)
    array([0.5, 0.5])
    """
    if not _traced(b, a, fs):
        return _ss.bilinear(b, a, fs)
    b, a = _ba(b, a, "bilinear")
    fs = _scalar(fs, "bilinear", "fs")
    M = max(_np.shape(a)[0], _np.shape(b)[0]) - 1
    minus, plus = _np.array([1.0, -1.0]), _np.array([1.0, 1.0])

    def transform(c):
        n = _np.shape(c)[0] - 1
        total = 0.0
        for i in range(n + 1):  # the coefficient of s^i: (2 fs)^i (1 - x)^i (1 + x)^(M - i), x = 1/z
            basis = _np.convolve(_np_power(minus, i), _np_power(plus, M - i))
            total = total + c[n - i] * (2.0 * fs) ** i * basis
        return total

    return normalize(transform(b), transform(a))


def _np_power(c, m):
    out = _np.ones(1)
    for _ in range(m):
        out = _np.convolve(out, c)
    return out


# --------------------------------------------------------------------------- analog prototypes

def buttap(N):
    """The analog Butterworth prototype of order ``N`` (constants), as
    :func:`scipy.signal.buttap`.

    >>> from osculate.scipy.signal import buttap
    >>> buttap(1)
    (array([], dtype=float64), array([-1.-0.j]), 1.0)
    """
    return _ss.buttap(N)


def cheb1ap(N, rp):
    """The analog Chebyshev type I prototype of order ``N`` with pass-band
    ripple ``rp`` dB, as :func:`scipy.signal.cheb1ap`: the poles
    ``-sinh(mu + i theta_m)``, ``mu = asinh(1/eps)/N``, move smoothly with ``rp``.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import cheb1ap
    >>> round(float(osc.grad(lambda rp: cheb1ap(1, rp)[2])(1.0)), 8)
    -1.10007851
    """
    if not _traced(rp):
        return _ss.cheb1ap(N, rp)
    N = _order(N, "cheb1ap")
    if N == 0:
        return _np.zeros(0), _np.zeros(0, complex), 10 ** (-rp / 20)
    eps = _o.sqrt(10 ** (0.1 * rp) - 1.0)
    mu = _o.arcsinh(1 / eps) / N
    theta = _np.pi * _np.arange(-N + 1, N, 2, dtype=float) / (2 * N)
    p = -(_o.sinh(mu) * _np.cos(theta) + 1j * (_o.cosh(mu) * _np.sin(theta)))
    k = _o.real(_o.prod(-p))
    if N % 2 == 0:
        k = k / _o.sqrt(1 + eps * eps)
    return _np.zeros(0), p, k


def cheb2ap(N, rs):
    """The analog Chebyshev type II prototype of order ``N`` with stop-band
    attenuation ``rs`` dB, as :func:`scipy.signal.cheb2ap` (the zeros are
    constants, the poles move smoothly with ``rs``).

    >>> import osculate as osc
    >>> from osculate.scipy.signal import cheb2ap
    >>> round(float(osc.grad(lambda rs: cheb2ap(1, rs)[1][0].real)(20.0)), 8)
    0.0116878
    """
    if not _traced(rs):
        return _ss.cheb2ap(N, rs)
    N = _order(N, "cheb2ap")
    if N == 0:
        return _np.zeros(0, complex), _np.zeros(0, complex), 1.0
    de = 1.0 / _o.sqrt(10 ** (0.1 * rs) - 1)
    mu = _o.arcsinh(1.0 / de) / N
    if N % 2:
        m = _np.concatenate([_np.arange(-N + 1, 0, 2.0), _np.arange(2, N, 2.0)])
    else:
        m = _np.arange(-N + 1, N, 2.0)
    z = 1j / _np.sin(m * _np.pi / (2 * N))
    theta = _np.pi * _np.arange(-N + 1, N, 2.0) / (2 * N)
    s = _o.sinh(mu) * _np.cos(theta) + 1j * (_o.cosh(mu) * _np.sin(theta))  # sinh(mu + i theta)
    p = -1 / s
    k = _o.real(_o.prod(-p) / _np.prod(-z))
    return z, p, k


# --------------------------------------------------------------------------- IIR design

_BANDS = {"band": "bandpass", "bandpass": "bandpass", "pass": "bandpass", "bp": "bandpass",
          "bs": "bandstop", "bandstop": "bandstop", "bands": "bandstop", "stop": "bandstop",
          "l": "lowpass", "low": "lowpass", "lowpass": "lowpass", "lp": "lowpass",
          "high": "highpass", "highpass": "highpass", "h": "highpass", "hp": "highpass"}
_FTYPES = {"butter": "butter", "butterworth": "butter", "cauer": "ellip", "elliptic": "ellip",
           "ellip": "ellip", "bessel": "bessel", "besself": "bessel", "cheby1": "cheby1",
           "chebyshev1": "cheby1", "chebyshevi": "cheby1", "cheby2": "cheby2", "chebyshev2": "cheby2",
           "chebyshevii": "cheby2"}


def _prototype(N, rp, rs, ftype, norm, fname):
    if ftype == "butter":
        return buttap(N)
    if ftype == "bessel":
        return _ss.besselap(N, norm=norm)
    if ftype == "cheby1":
        if rp is None:
            raise ValueError(f"{fname}: passband ripple (rp) must be provided to design a Chebyshev I filter")
        return cheb1ap(N, rp)
    if ftype == "cheby2":
        if rs is None:
            raise ValueError(f"{fname}: stopband attenuation (rs) must be provided to design a Chebyshev II filter")
        return cheb2ap(N, rs)
    if rp is None or rs is None:
        raise ValueError(f"{fname}: both rp and rs must be provided to design an elliptic filter")
    if _traced(rp, rs):
        raise ValueError(f"{fname}: the elliptic prototype is found by an iteration on plain rp and rs; a traced "
                         "rp or rs is not supported (the cut-off Wn and fs may be traced; for a ripple you "
                         "learn, use cheby1 (rp) or cheby2 (rs))")
    return _ss.ellipap(N, rp, rs)


def _design(N, Wn, rp, rs, btype, analog, ftype, output, fs, norm, fname):
    """SciPy's design chain (prototype, frequency transform, bilinear
    transform, output form) on traced frequencies and ripples."""
    N = _order(N, fname)
    Wn = _vec(Wn, fname, "Wn") * 1.0
    btype, ftype, output = str(btype).lower(), str(ftype).lower(), str(output).lower()
    if fs is not None:
        if analog:
            raise ValueError(f"{fname}: fs cannot be specified for an analog filter")
        fs = _scalar(fs, fname, "fs")
        Wn = Wn / (fs / 2)
    if btype not in _BANDS:
        raise ValueError(f"{fname}: {btype!r} is an invalid bandtype for filter")
    if ftype not in _FTYPES:
        raise ValueError(f"{fname}: {ftype!r} is not a valid basic IIR filter")
    if output not in ("ba", "zpk", "sos"):
        raise ValueError(f"{fname}: {output!r} is not a valid output form")
    btype, ftype = _BANDS[btype], _FTYPES[ftype]
    wv = _concrete_or_none(Wn)
    if wv is not None:
        if _np.any(wv <= 0):
            raise ValueError(f"{fname}: filter critical frequencies must be greater than 0")
        if wv.size > 1 and not wv[0] < wv[1]:
            raise ValueError(f"{fname}: Wn[0] must be less than Wn[1]")
        if not analog and _np.any(wv >= 1):
            raise ValueError(f"{fname}: digital filter critical frequencies must be 0 < Wn < 1 (or < fs/2)")
    for what, v in (("passband ripple (rp)", rp), ("stopband attenuation (rs)", rs)):
        vv = None if v is None else _concrete_or_none(v) if isinstance(v, _Tracer) else v
        if vv is not None and vv < 0:
            raise ValueError(f"{fname}: {what} must be positive")
    z, p, k = _prototype(N, rp, rs, ftype, norm, fname)
    warped = Wn if analog else 4.0 * _o.tan(_np.pi * Wn / 2.0)
    if btype in ("lowpass", "highpass"):
        if _np.shape(Wn)[0] != 1:
            raise ValueError(f"{fname}: must specify a single critical frequency Wn for lowpass or highpass filter")
        z, p, k = (lp2lp_zpk if btype == "lowpass" else lp2hp_zpk)(z, p, k, warped[0])
    else:
        if _np.shape(Wn)[0] != 2:
            raise ValueError(f"{fname}: Wn must specify start and stop frequencies for bandpass or bandstop filter")
        bw, wo = warped[1] - warped[0], _o.sqrt(warped[0] * warped[1])
        z, p, k = (lp2bp_zpk if btype == "bandpass" else lp2bs_zpk)(z, p, k, wo, bw)
    if not analog:
        z, p, k = bilinear_zpk(z, p, k, 2.0)
    if output == "zpk":
        return z, p, k
    if output == "ba":  # designs come in conjugate pairs: real coefficients, no values needed
        return k * _poly(z, True), _poly(p, True)
    return zpk2sos(z, p, k, analog=analog)


def iirfilter(N, Wn, rp=None, rs=None, btype="band", analog=False, ftype="butter", output="ba", fs=None):
    """An IIR filter of order ``N`` (plain) by type, as
    :func:`scipy.signal.iirfilter`: differentiable in ``Wn``, ``fs`` and
    (Chebyshev) ``rp``/``rs``.  ``output`` is ``'ba'``, ``'zpk'`` or ``'sos'``.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import iirfilter
    >>> round(float(osc.grad(lambda w: iirfilter(2, w, btype="low")[0][0])(0.5)), 8)
    0.92015118
    """
    if not _traced(N, Wn, rp, rs, fs):
        return _ss.iirfilter(N, Wn, rp, rs, btype, analog, ftype, output, fs)
    return _design(N, Wn, rp, rs, btype, analog, ftype, output, fs, "phase", "iirfilter")


def butter(N, Wn, btype="low", analog=False, output="ba", fs=None):
    """A Butterworth filter, as :func:`scipy.signal.butter`, differentiable
    in ``Wn`` and ``fs``.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import butter
    >>> b, a = butter(2, 0.5)
    >>> b.round(6)
    array([0.292893, 0.585786, 0.292893])
    """
    if not _traced(N, Wn, fs):
        return _ss.butter(N, Wn, btype, analog, output, fs)
    return _design(N, Wn, None, None, btype, analog, "butter", output, fs, "phase", "butter")


def cheby1(N, rp, Wn, btype="low", analog=False, output="ba", fs=None):
    """A Chebyshev type I filter, as :func:`scipy.signal.cheby1`,
    differentiable in ``rp``, ``Wn`` and ``fs``.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import cheby1
    >>> round(float(osc.grad(lambda rp: cheby1(2, rp, 0.3)[1][2])(1.0)), 8)
    0.13005427
    """
    if not _traced(N, rp, Wn, fs):
        return _ss.cheby1(N, rp, Wn, btype, analog, output, fs)
    return _design(N, Wn, rp, None, btype, analog, "cheby1", output, fs, "phase", "cheby1")


def cheby2(N, rs, Wn, btype="low", analog=False, output="ba", fs=None):
    """A Chebyshev type II filter, as :func:`scipy.signal.cheby2`,
    differentiable in ``rs``, ``Wn`` and ``fs``.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import cheby2
    >>> round(float(osc.grad(lambda rs: cheby2(2, rs, 0.3)[0][0])(20.0)), 8)
    -0.01110117
    """
    if not _traced(N, rs, Wn, fs):
        return _ss.cheby2(N, rs, Wn, btype, analog, output, fs)
    return _design(N, Wn, None, rs, btype, analog, "cheby2", output, fs, "phase", "cheby2")


def ellip(N, rp, rs, Wn, btype="low", analog=False, output="ba", fs=None):
    """An elliptic filter, as :func:`scipy.signal.ellip`, differentiable in
    ``Wn`` and ``fs`` (the prototype, an iteration on plain ``rp`` and ``rs``,
    comes from SciPy; a traced ``rp`` or ``rs`` is refused).

    >>> import osculate as osc
    >>> from osculate.scipy.signal import ellip
    >>> round(float(osc.grad(lambda w: ellip(2, 1.0, 40.0, w)[1][1])(0.3)), 8)
    4.26469356
    """
    if not _traced(N, rp, rs, Wn, fs):
        return _ss.ellip(N, rp, rs, Wn, btype, analog, output, fs)
    return _design(N, Wn, rp, rs, btype, analog, "ellip", output, fs, "phase", "ellip")


def bessel(N, Wn, btype="low", analog=False, output="ba", norm="phase", fs=None):
    """A Bessel/Thomson filter, as :func:`scipy.signal.bessel`,
    differentiable in ``Wn`` and ``fs`` (the prototype's poles are constants).

    >>> import osculate as osc
    >>> from osculate.scipy.signal import bessel
    >>> round(float(osc.grad(lambda w: bessel(2, w)[0][0])(0.3)), 8)
    0.63328785
    """
    if not _traced(N, Wn, fs):
        return _ss.bessel(N, Wn, btype, analog, output, norm, fs)
    if norm not in ("phase", "delay", "mag"):
        raise ValueError(f"bessel: norm must be 'phase', 'delay' or 'mag', not {norm!r}")
    return _design(N, Wn, None, None, btype, analog, "bessel", output, fs, norm, "bessel")


def _notch_peak(w0, Q, fs, ftype, fname):
    fs = _scalar(fs, fname, "fs")
    w0 = 2 * _scalar(w0, fname, "w0") / fs
    Q = _scalar(Q, fname, "Q")
    wv = _concrete_or_none(w0) if isinstance(w0, _Tracer) else w0
    if wv is not None and not 0.0 <= wv <= 1.0:
        raise ValueError(f"{fname}: w0 should be such that 0 < w0 < 1")
    bw = w0 / Q * _np.pi
    gain = 1.0 / (1.0 + _o.tan(bw / 2.0))
    c = _o.cos(w0 * _np.pi)
    if ftype == "notch":
        b = _o.stack([gain, -2.0 * gain * c, gain])
    else:
        b = _o.stack([1.0 - gain, 0.0 * gain, gain - 1.0])
    return b, _o.stack([_np.ones(()) + 0.0 * gain, -2.0 * gain * c, 2.0 * gain - 1.0])


def iirnotch(w0, Q, fs=2.0):
    """A second-order notch filter at ``w0`` of quality ``Q``, as
    :func:`scipy.signal.iirnotch`, differentiable in ``w0``, ``Q`` and ``fs``.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import iirnotch
    >>> round(float(osc.grad(lambda q: iirnotch(0.25, q)[0][0])(10.0)), 8)
    0.0036413
    """
    if not _traced(w0, Q, fs):
        return _ss.iirnotch(w0, Q, fs)
    return _notch_peak(w0, Q, fs, "notch", "iirnotch")


def iirpeak(w0, Q, fs=2.0):
    """A second-order peak (resonator) filter at ``w0`` of quality ``Q``, as
    :func:`scipy.signal.iirpeak`, differentiable in ``w0``, ``Q`` and ``fs``.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import iirpeak
    >>> round(float(osc.grad(lambda q: iirpeak(0.25, q)[0][0])(10.0)), 8)
    -0.0036413
    """
    if not _traced(w0, Q, fs):
        return _ss.iirpeak(w0, Q, fs)
    return _notch_peak(w0, Q, fs, "peak", "iirpeak")


def iircomb(w0, Q, ftype="notch", fs=2.0, *, pass_zero=False):
    """A comb (notch or peak) filter, as :func:`scipy.signal.iircomb`.  The
    number of teeth ``fs / w0`` is an integer (checked on the values, plain);
    the coefficients are differentiable in ``Q`` (and in ``w0`` through the
    width ``w0 / Q``, ``fs`` held so that ``fs / w0`` stays the same).

    >>> import osculate as osc
    >>> from osculate.scipy.signal import iircomb
    >>> round(float(osc.grad(lambda q: iircomb(0.25, q)[0][0])(10.0)), 8)
    0.01199982
    """
    if not _traced(w0, Q, fs):
        return _ss.iircomb(w0, Q, ftype, fs, pass_zero=pass_zero)
    fname = "iircomb"
    fs, w0, Q = _scalar(fs, fname, "fs"), _scalar(w0, fname, "w0"), _scalar(Q, fname, "Q")
    fv, wv = (float(_values(v, fname, "the number of teeth")) for v in (fs, w0))
    # SciPy's own design on the plain values settles the checks and the number of teeth N
    b0, _ = _ss.iircomb(wv, float(_values(Q, fname, "Q")), ftype, fv, pass_zero=pass_zero)
    N = len(b0) - 1
    w_delta = w0 / Q * 2 * _np.pi / fs  # the width, in radians per sample
    G0, G = (1.0, 0.0) if ftype == "notch" else (0.0, 1.0)
    beta = _o.tan(N * w_delta / 4)
    ax = (1 - beta) / (1 + beta)
    bx = (G0 + G * beta) / (1 + beta)
    cx = (G0 - G * beta) / (1 + beta)
    negative = (ftype == "notch" and not pass_zero) or (ftype == "peak" and pass_zero)
    sign = -1.0 if negative else 1.0
    zeros_mid = _np.zeros(N - 1)
    b = _o.concatenate([_o.reshape(bx, (1,)), zeros_mid, _o.reshape(sign * cx, (1,))])
    a = _o.concatenate([_np.ones(1), zeros_mid, _o.reshape(sign * ax, (1,))])
    return b, a


# --------------------------------------------------------------------------- FIR design

def firwin(numtaps, cutoff, *, width=None, window="hamming", pass_zero=True, scale=True, fs=None):
    """A windowed-sinc FIR filter, as :func:`scipy.signal.firwin`:
    differentiable in the ``cutoff`` frequencies (and ``fs``); ``numtaps``,
    ``width`` and ``window`` are plain (the window is a constant).

    >>> import osculate as osc
    >>> from osculate.scipy.signal import firwin
    >>> round(float(osc.grad(lambda c: firwin(5, c)[2])(0.4)), 8)
    0.47270973
    """
    if not _traced(cutoff, fs):
        return _ss.firwin(numtaps, cutoff, width=width, window=window, pass_zero=pass_zero, scale=scale, fs=fs)
    fname = "firwin"
    cut = _vec(cutoff, fname, "cutoff") * 1.0
    if _np.ndim(cut) != 1:
        raise ValueError(f"{fname}: the cutoff argument must be at most one-dimensional")
    nyq = 1.0 if fs is None else 0.5 * _scalar(fs, fname, "fs")
    cut = cut / nyq
    # SciPy's own design on the plain values settles every check (and the band layout)
    cv = _values(cut, fname, "the band layout")
    _ss.firwin(numtaps, cv, width=None if width is None else float(width) / float(_values(nyq, fname, "fs")),
               window=window, pass_zero=pass_zero, scale=scale)
    if isinstance(pass_zero, str):
        pass_zero = pass_zero in ("lowpass", "bandstop")
    pass_nyquist = bool(len(cv) & 1) ^ bool(pass_zero)
    edges = [cut]
    if pass_zero:
        edges.insert(0, _np.zeros(1))
    if pass_nyquist:
        edges.append(_np.ones(1))
    bands = _o.reshape(_o.concatenate(edges), (-1, 2))
    alpha = 0.5 * (numtaps - 1)
    m = _np.arange(0, numtaps) - alpha
    h = 0.0
    for i in range(_np.shape(bands)[0]):
        left, right = bands[i, 0], bands[i, 1]
        h = h + right * _o.sinc(right * m) - left * _o.sinc(left * m)
    if width is not None:
        atten = _ss.kaiser_atten(numtaps, float(width) / float(_values(nyq, fname, "fs")))
        window = ("kaiser", _ss.kaiser_beta(atten))
    h = h * _ss.get_window(window, numtaps, fftbins=False)
    if scale:
        bv = _np.concatenate([[0.0] if pass_zero else [], cv, [1.0] if pass_nyquist else []]).reshape(-1, 2)
        if bv[0, 0] == 0:
            f = 0.0
        elif bv[0, 1] == 1:
            f = 1.0
        else:
            f = 0.5 * (bands[0, 0] + bands[0, 1])
        h = h / _o.sum(h * _o.cos(_np.pi * m * f))
    return h


def firwin2(numtaps, freq, gain, *, nfreqs=None, window="hamming", antisymmetric=False, fs=None):
    """A FIR filter by frequency sampling, as :func:`scipy.signal.firwin2`:
    the desired ``gain`` interpolated linearly at ``nfreqs`` frequencies,
    transformed back and windowed; differentiable in ``freq`` and ``gain``
    (``numtaps``, ``nfreqs``, ``window`` and ``fs`` are plain).  A repeated
    frequency (a jump in the response) is moved apart by ``eps * fs / 2`` as
    SciPy does; the checks and that move read the values, so a traced ``freq``
    needs them (outside ``jit``/``vmap``).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.signal import firwin2
    >>> taps = lambda g: firwin2(5, [0.0, 0.5, 1.0], g)
    >>> g = np.array([1.0, 1.0, 0.0])
    >>> taps(g).round(6)
    array([-0.008536,  0.110844,  0.75    ,  0.110844, -0.008536])
    >>> osc.jacfwd(taps)(g).shape   # the taps are linear in the gains
    (5, 3)
    """
    if not _traced(freq, gain):
        return _ss.firwin2(numtaps, freq, gain, nfreqs=nfreqs, window=window, antisymmetric=antisymmetric, fs=fs)
    fname = "firwin2"
    if isinstance(fs, _Tracer):
        raise ValueError(f"{fname}: fs must be a plain number (freq and gain may be traced)")
    freq, gain = _vec(freq, fname, "freq") * 1.0, _vec(gain, fname, "gain") * 1.0
    fv = _values(freq, fname, "the frequency grid")
    gv = gain if not isinstance(gain, _Tracer) else _concrete_or_none(gain)
    # SciPy's own call on the plain values settles every check (lengths, order, filter type)
    _ss.firwin2(numtaps, fv, _np.zeros(len(fv)) if gv is None else gv, nfreqs=nfreqs, window=window,
                antisymmetric=antisymmetric, fs=fs)
    nyq = 1.0 if fs is None else 0.5 * float(fs)
    ftype = (4 if numtaps % 2 == 0 else 3) if antisymmetric else (2 if numtaps % 2 == 0 else 1)
    if nfreqs is None:
        nfreqs = 1 + 2 ** int(_np.ceil(_np.log2(numtaps)))
    repeated = _np.flatnonzero(fv[1:] == fv[:-1])
    if repeated.size:  # SciPy's tweak, applied to the traced grid as a constant offset
        eps = _np.finfo(float).eps * nyq
        offset = _np.zeros(len(fv))
        offset[repeated] -= eps
        offset[repeated + 1] += eps
        freq = freq + offset
    x = _np.linspace(0.0, nyq, nfreqs)
    fx = _o.interp(x, freq, gain)
    shift = _np.exp(-(numtaps - 1) / 2.0 * 1j * _np.pi * x / nyq)
    if ftype > 2:
        shift = shift * 1j
    out = _o.fft.irfft(fx * shift)[:numtaps]
    if window is not None:
        out = out * _ss.get_window(window, numtaps, fftbins=False)
    if ftype == 3:
        out = _o.where(_np.arange(numtaps) == numtaps // 2, 0.0, out)
    return out


def firls(numtaps, bands, desired, *, weight=None, fs=None):
    """A linear-phase FIR filter that fits piecewise-linear ``desired`` gains
    over ``bands`` in the weighted least-squares sense, as
    :func:`scipy.signal.firls` (a small symmetric linear system):
    differentiable in ``bands``, ``desired``, ``weight`` and ``fs``.

    >>> import osculate as osc
    >>> from osculate.scipy.signal import firls
    >>> firls(3, [0, 0.4, 0.6, 1], [1, 1, 0, 0]).round(6)
    array([0.306688, 0.5     , 0.306688])
    """
    if not _traced(bands, desired, weight, fs):
        return _ss.firls(numtaps, bands, desired, weight=weight, fs=fs)
    fname = "firls"
    numtaps = int(numtaps)
    if numtaps % 2 == 0 or numtaps < 1:
        raise ValueError(f"{fname}: numtaps must be odd and >= 1, not {numtaps}")
    nyq = 1.0 if fs is None else 0.5 * _scalar(fs, fname, "fs")
    M = (numtaps - 1) // 2
    bands = _o.reshape(_vec(bands, fname, "bands") * 1.0 / nyq, (-1, 2))
    desired = _o.reshape(_vec(desired, fname, "desired") * 1.0, (-1, 2))
    nb = _np.shape(bands)[0]
    if _np.shape(desired)[0] != nb:
        raise ValueError(f"{fname}: desired must have one pair of values per band")
    weight = _np.ones(nb) if weight is None else _vec(weight, fname, "weight") * 1.0
    if _np.shape(weight)[0] != nb:
        raise ValueError(f"{fname}: weight must have one value per band")
    bv = _concrete_or_none(bands)
    if bv is not None and (bv.min() < 0 or bv.max() > 1 or _np.any(_np.diff(bv) <= 0)
                           or _np.any(bv[:-1, 1] > bv[1:, 0])):
        raise ValueError(f"{fname}: bands must be nondecreasing pairs of positive width within [0, fs/2], "
                         "not overlapping")
    # the normal equations of the cosine coefficients: a Toeplitz plus Hankel matrix of
    # q[n] = sum over bands of w * integral of cos(pi n f) df (the factor 1/pi cancels)
    n = _np.arange(numtaps)
    q = 0.0
    for i in range(nb):
        f0, f1 = bands[i, 0], bands[i, 1]
        q = q + weight[i] * (f1 * _o.sinc(n * f1) - f0 * _o.sinc(n * f0))
    idx = _np.arange(M + 1)
    Q = q[_np.abs(idx[:, None] - idx[None, :])] + q[idx[:, None] + idx[None, :]]
    # the right-hand side: the integral of w (m f + c) cos(pi k f) over each band, the desired
    # gain linear in f from desired[i, 0] to desired[i, 1]
    k = idx.astype(float)
    k_safe = _np.where(k == 0, 1.0, k)
    rhs = 0.0
    for i in range(nb):
        f0, f1 = bands[i, 0], bands[i, 1]
        m = (desired[i, 1] - desired[i, 0]) / (f1 - f0)
        c = desired[i, 0] - f0 * m

        def antiderivative(f, m=m, c=c):
            second = _o.where(k == 0, -m * f * f / 2, m * _o.cos(k * _np.pi * f) / (_np.pi * k_safe) ** 2)
            return f * (m * f + c) * _o.sinc(k * f) + second

        rhs = rhs + weight[i] * (antiderivative(f1) - antiderivative(f0))
    a = _o.linalg.solve(Q, rhs)
    return _o.concatenate([a[:0:-1], 2 * a[:1], a[1:]])
