"""Finite-difference checks of derivatives, to any order, in every nesting."""

from __future__ import annotations

import numpy as np

from ..ad.transforms import jvp, vjp
from ..ad.tree import tree_flatten, tree_unflatten

__all__ = ["check_grads"]

_MODES = ("fwd", "rev")


def _flat(tree):
    leaves, _ = tree_flatten(tree)
    return [np.asarray(x, dtype=complex if np.iscomplexobj(x) else float) for x in leaves]


def _same_leaf_count(a, b, what):
    """The leaves of ``a`` and ``b``, after checking that there are as many of each."""
    la, lb = _flat(a), _flat(b)
    if len(la) != len(lb):
        raise AssertionError(f"{what}: {len(la)} output leaves, but the finite differences have {len(lb)}")
    return la, lb


def _pair(a, b, what):
    """``Re(sum(a * b))`` over the leaves: how cotangents pair with tangents
    (no conjugation, as for complex values in JAX and autograd)."""
    la, lb = _same_leaf_count(a, b, what)
    return float(sum(np.sum(x * y).real for x, y in zip(la, lb)))


def _random_like(tree, rng):
    """Random values shaped like ``tree``'s leaves: complex ones (real and
    imaginary parts both random) for complex leaves."""
    leaves, td = tree_flatten(tree)
    out = []
    for x in leaves:
        dtype = np.result_type(np.asarray(x), np.float32)  # (a Python float is a float64, not a weak scalar)
        r = rng.standard_normal(np.shape(x))
        if dtype.kind == "c":
            r = r + 1j * rng.standard_normal(np.shape(x))
        out.append(r.astype(dtype))
    return tree_unflatten(td, out)


def _axpy(a, x, y):
    lx, td = tree_flatten(x)
    ly, _ = tree_flatten(y)
    return tree_unflatten(td, [a * u + v for u, v in zip(lx, ly)])


def _close(actual, expected, rtol, atol, what):
    a, e = _same_leaf_count(actual, expected, what)
    for x, y in zip(a, e):
        if x.shape != y.shape:
            raise AssertionError(f"{what}: shape {x.shape} differs from the finite-difference shape {y.shape}")
        scale = max(1.0, float(np.max(np.abs(y), initial=0.0)))
        err = float(np.max(np.abs(x - y), initial=0.0))
        if not np.isfinite(err) or err > atol + rtol * scale:
            raise AssertionError(
                f"{what}: max abs difference {err:.3e} exceeds tolerance "
                f"{atol + rtol * scale:.3e}\n  AD: {x.ravel()[:6]}\n  FD: {y.ravel()[:6]}"
            )


def _fd_jvp(f, args, tangents, eps):
    plus = f(*_axpy(eps, tangents, args))
    minus = f(*_axpy(-eps, tangents, args))
    def diff(p, m):
        dtype = complex if np.iscomplexobj(p) or np.iscomplexobj(m) else float
        return (np.asarray(p, dtype) - np.asarray(m, dtype)) / (2 * eps)

    return tree_map2(diff, plus, minus)


def tree_map2(fn, a, b):
    la, td = tree_flatten(a)
    lb, _ = tree_flatten(b)
    return tree_unflatten(td, [fn(x, y) for x, y in zip(la, lb)])


def check_grads(f, args, order=2, modes=_MODES, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0):
    """Check derivatives of ``f`` at ``args`` against finite differences.

    For each requested mode, the first-order rule is compared with a
    central difference along a random direction (``"fwd"``) or through the
    dot-product identity ``<u, J v> = <Jᵀ u, v>`` with a finite-difference
    ``J v`` (``"rev"``).  Then, while ``order > 1``, the *derivative
    functions* themselves are checked the same way, so ``order=2`` with both
    modes covers all four nestings (fwd-fwd, fwd-rev, rev-fwd, rev-rev).

    Complex inputs and outputs are checked too: directions are random in
    both the real and the imaginary parts, and cotangents pair with
    tangents as ``Re(sum(u * v))`` (osculate's convention, JAX's and
    autograd's: no conjugation).

    Raises ``AssertionError`` with the offending nesting in the message.

    >>> import numpy as np
    >>> from osculate.testing import check_grads
    >>> check_grads(lambda x: np.sum(np.exp(np.sin(x))), (np.array([0.1, 0.4]),), order=3)
    >>> check_grads(lambda z: np.abs(np.sum(z ** 3)) ** 2, (np.array([0.5 + 1j, -0.2j]),), order=2)
    """
    for m in modes:
        if m not in _MODES:
            raise ValueError(f"check_grads: unknown mode {m!r}; use a subset of {_MODES}")
    if order < 1:
        raise ValueError("check_grads: order must be >= 1")
    args = tuple(args)
    rng = np.random.default_rng(seed)
    _check(f, args, order, tuple(modes), eps, rtol, atol, rng, path="")


def _check(f, args, order, modes, eps, rtol, atol, rng, path):
    tangents = _random_like(args, rng)
    fd = _fd_jvp(f, args, tangents, eps)
    for mode in modes:
        where = f"{mode}{'-over-' + path if path else ''}"
        if mode == "fwd":
            _, t = jvp(f, args, tangents)
            _close(t, fd, rtol, atol, f"jvp ({where}) vs finite differences")
            if order > 1:
                v = tangents

                def df(*a, _v=v):
                    return jvp(f, a, _v)[1]

                _check(df, args, order - 1, modes, eps, rtol, atol, rng, where)
        else:
            y, pullback = vjp(f, *args)
            u = _random_like(y, rng)
            ct = pullback(u)
            lhs = _pair(ct, tangents, f"vjp ({where}) cotangents")
            rhs = _pair(u, fd, f"vjp ({where})")
            scale = max(1.0, abs(rhs))
            if not abs(lhs - rhs) <= atol + rtol * scale:
                raise AssertionError(
                    f"vjp ({where}) vs finite differences: <J^T u, v> = {lhs:.10g} but <u, J v> = {rhs:.10g}"
                )
            if order > 1:

                def rf(*a, _u=u):
                    out = vjp(f, *a)[1](_u)
                    return out if len(out) != 1 else out[0]

                _check(rf, args, order - 1, modes, eps, rtol, atol, rng, where)
