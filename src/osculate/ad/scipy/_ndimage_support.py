"""Argument checks shared by the ``scipy.ndimage`` modules of osculate
(:mod:`.ndimage` and its private parts): each turns a SciPy-style argument
into the value the code uses, or raises the one-line error SciPy's users
expect, naming the function."""

from __future__ import annotations

import numbers as _numbers

import numpy as _np

from .. import numpy as _o
from ..core import Tracer as _Tracer, concrete_or_none as _known  # noqa: F401 (_known: the ndimage modules' too)




def _traced(*values):
    """Whether any of ``values`` (or an entry of a list among them) is traced."""
    for v in values:
        if isinstance(v, _Tracer):
            return True
        if isinstance(v, (list, tuple)) and _traced(*v):
            return True
    return False


def _no_output(output, fname):
    if output is not None:
        raise TypeError(f"{fname}: output= is not supported on traced values (pass None; the result is returned)")


def _array(x, fname, what="input"):
    """``x`` as an array (a tracer stays one; a list may hold tracers), numeric or a TypeError naming it."""
    if isinstance(x, _Tracer):
        return x
    if isinstance(x, (list, tuple)):
        x = _o.array(x)
        if isinstance(x, _Tracer):
            return x
    x = _np.asarray(x)
    if x.dtype == object or x.dtype.kind not in "biufc":
        raise TypeError(f"{fname}: {what} must be a numeric array, not dtype {x.dtype}")
    return x


def _float_array(x, fname, what="input"):
    """:func:`_array`, with integer and boolean values as float64 (floating and
    complex dtypes are kept)."""
    x = _array(x, fname, what)
    if not isinstance(x, _Tracer) and x.dtype.kind not in "fc":
        x = x.astype(_np.float64)
    return x


def _axis_index(axis, ndim, fname, what="axis"):
    if not isinstance(axis, (int, _np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{fname}: {what} must be an integer, not {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{fname}: {what} {axis} is out of bounds for an array of dimension {ndim}")
    return int(axis) % ndim


def _per_axis(value, n, fname, what):
    """``value`` repeated for ``n`` axes, or the sequence of ``n`` values given."""
    if isinstance(value, (str, _numbers.Number, _Tracer)) and _np.ndim(value) == 0:
        return [value] * n
    seq = list(value)
    if len(seq) != n:
        raise ValueError(f"{fname}: {what} must be a single value or a sequence of {n} values, not {len(seq)}")
    return seq


def _check_cval(cval, fname):
    if not isinstance(cval, _Tracer) and not isinstance(cval, _numbers.Number) and _np.ndim(cval) != 0:
        raise TypeError(f"{fname}: cval must be a single number, not {cval!r}")
    if isinstance(cval, _Tracer) and _np.ndim(cval) != 0:
        raise TypeError(f"{fname}: cval must be a single number (a 0-d value), not shape {_np.shape(cval)}")
    return cval
