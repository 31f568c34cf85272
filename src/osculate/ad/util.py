"""Checks and helpers shared by the transformations.

Input checking (``as_float_input``, ``as_tangent``, ``check_scalar``), the
zeros that stand for a symbolic zero once a value must be materialised, and
the blocks of basis vectors that dense Jacobians, Hessians and diagonals are
computed from (``bounded_chunk``, ``basis_blocks``); ``lazy_module``, a
module imported when first used.
"""

from __future__ import annotations

import importlib.util
import sys

import numpy as np

from .core import Tracer, zero
from .tree import describe

__all__ = [
    "as_float_input", "as_tangent", "COMPLEX_HINT", "zeros_like", "instantiate", "check_scalar", "scalar_out",
    "check_chunk", "bounded_chunk", "basis_blocks", "BLOCK_NUMBERS", "lazy_module",
]


def lazy_module(name):
    """The module ``name``, imported when one of its attributes is first read
    (Python's :class:`importlib.util.LazyLoader`): ``scipy.stats`` takes a
    third of a second to import, and osculate reads it only inside some
    distributions' quantile functions.  An already imported module is
    returned as it is.

    >>> from osculate.ad.util import lazy_module
    >>> lazy_module("json").dumps([1])
    '[1]'
    """
    module = sys.modules.get(name)
    if module is not None:
        return module
    spec = importlib.util.find_spec(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def as_float_input(x, what, allow_complex=False):
    """``x`` as an array (tracers pass through), or a ``TypeError`` naming
    ``what`` when its dtype is not floating point (complex too, with
    ``allow_complex``: the transforms that have a meaning on complex inputs)."""
    if type(x) is np.ndarray:
        dt = x.dtype
        if dt.kind == "f" or (allow_complex and dt.kind == "c"):
            return x  # the common case
        arr = x
    elif isinstance(x, Tracer):
        dt = x.dtype
        arr = x
    else:
        arr = np.asarray(x)
        dt = arr.dtype
    if dt.kind == "c" and allow_complex:
        return arr
    if dt.kind != "f":
        if dt.kind in "iub":
            raise TypeError(
                f"{what} has integer/bool dtype {dt}; derivatives need floating-point inputs — "
                f"pass it as float, e.g. np.asarray(x, dtype=float)"
            )
        if dt.kind == "c":
            raise TypeError(f"{what} is complex ({dt}), but this works on real inputs: {COMPLEX_HINT}")
        raise TypeError(f"{what} has dtype {dt}; osculate differentiates floating-point and complex arrays only")
    return arr


#: What to do with complex inputs where only real ones have a meaning (a Hessian, a trust region...).
COMPLEX_HINT = (
    "write f in real coordinates, g(x, y) = f(x + 1j*y), or use "
    "osculate.real_hessian(f) (the 2n x 2n Hessian in (x, y)) / osculate.wirtinger_hessian(f); "
    "for a holomorphic f pass holomorphic=True where the transform accepts it"
)


def as_tangent(t, primal, what):
    """``t`` as an array shaped like ``primal`` (a ``ValueError`` naming ``what`` otherwise);
    a complex tangent needs a complex primal."""
    if type(t) is np.ndarray and t.dtype == primal.dtype and t.dtype.kind in "fc" and t.shape == primal.shape:
        return t  # the common case: nothing to check or convert
    kind = primal.dtype.kind
    if kind != "c" and np.iscomplexobj(t):
        raise TypeError(f"{what} is complex but the matching primal is real ({primal.dtype}); pass a real tangent")
    t = t if isinstance(t, Tracer) else np.asarray(t, dtype=primal.dtype if kind in "fc" else float)
    if t.shape != primal.shape:
        raise ValueError(f"{what} has shape {t.shape} but the matching primal has shape {primal.shape}; they must match")
    return t


def zeros_like(x):
    """Plain zeros with the shape and dtype of ``x`` (an array, tracer or number)."""
    shape = x.shape if hasattr(x, "shape") else np.shape(x)
    return np.zeros(shape, dtype=getattr(x, "dtype", np.float64))


def instantiate(t, primal):
    """``t``, or zeros shaped like ``primal`` when ``t`` is the symbolic zero."""
    return zeros_like(primal) if t is zero else t


def check_scalar(y, name):
    """Raise a ``TypeError`` naming the transformation ``name`` unless ``y`` is
    a floating-point scalar."""
    if y is None or isinstance(y, (tuple, list, dict)):
        raise TypeError(_not_a_scalar(y, name))
    shape = y.shape if hasattr(y, "shape") else np.shape(y)  # (np.shape of a tracer dispatches)
    if shape != ():
        raise TypeError(
            f"{name} requires f to return a scalar, but it returned shape {shape}; "
            "reduce it (e.g. np.sum) or use jacrev/jacfwd for vector outputs"
        )
    dt = y.dtype if hasattr(y, "dtype") else np.asarray(y).dtype
    if dt.kind == "c":
        raise TypeError(
            f"{name} requires a real-valued output, but f returned a complex scalar ({dt}); return a real "
            "quantity (np.real(z), np.abs(z) ** 2...), or, for the complex derivative of a holomorphic "
            "function, pass holomorphic=True where the transform accepts it"
        )
    if dt.kind != "f":
        raise TypeError(f"{name} requires a floating-point output, got dtype {dt}")


def scalar_out(y, name):
    """``y`` after :func:`check_scalar`."""
    check_scalar(y, name)
    return y


def _not_a_scalar(y, name):
    """The message for an ``f`` that returned a container (or None) where a scalar was needed."""
    if isinstance(y, (tuple, list)) and len(y) == 1:
        fix = "return the scalar itself (return s, not (s,) or [s])"
    else:
        fix = "return a single scalar (e.g. lambda x: f(x)[0] to pick one output)"
    if name == "grad":
        fix += "; to return extra values next to it, use grad/value_and_grad(f, has_aux=True) with f returning (s, aux)"
    return f"{name} requires f to return a scalar, but it returned {describe(y)}; {fix}"


# --------------------------------------------------------------------------- blocks of basis vectors
# Dense derivatives are batched passes (vmap) over blocks of basis vectors.


def check_chunk(chunk_size, n):
    """``chunk_size`` checked to be a positive integer (``None``: all ``n`` at once)."""
    if chunk_size is None:
        return max(n, 1)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or int(chunk_size) < 1:
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size}")
    return int(chunk_size)


#: Where the work is n directional passes whatever the batching (the Hessian
#: diagonal, forward-over-forward products and Hessians), the default chunk is
#: bounded: one block of basis vectors holds at most this many numbers (8 MiB
#: in float64), so the peak memory stays O(n) however large n is.
BLOCK_NUMBERS = 1 << 20


def bounded_chunk(chunk_size, n):
    """``chunk_size`` checked, or by default as many length-``n`` basis vectors
    as fit in :data:`BLOCK_NUMBERS` numbers (at least one, at most ``n``)."""
    if chunk_size is None:
        return max(1, min(n, BLOCK_NUMBERS // max(n, 1)))
    return check_chunk(chunk_size, n)


def basis_blocks(n, chunk_size, dtype):
    """Blocks of the identity, ``(k, n)`` each, generated one at a time."""
    for start in range(0, n, chunk_size):
        stop = min(n, start + chunk_size)
        block = np.zeros((stop - start, n), dtype=dtype)
        block[np.arange(stop - start), np.arange(start, stop)] = 1.0
        yield block
