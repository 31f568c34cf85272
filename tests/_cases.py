"""Functions with user rules, shared by the primitive tables
(``test_ad_primitives``, ``test_taylor``, ``test_batching``) and
``test_ad_transforms``: each becomes a primitive whose rules call user code
(``custom_jvp``, ``custom_vjp``, ``checkpoint``); the tree comparison the
tables share; and the input domains (``normal``, ``spd``...) that the table
rows, including the ``tests/rows_*.py`` modules, draw their arguments from."""

from __future__ import annotations

import numpy as np

import osculate as osc
import osculate.numpy as osc_np
from osculate.ad.tree import tree_leaves


@osc.custom_jvp
def softplus_rule(x):
    """``log(1 + eˣ)`` with its own forward rule (stable where naive AD of
    ``log1p(exp(x))`` gives nan, e.g. at ``x = 1000``)."""
    return np.logaddexp(0.0, x)


@softplus_rule.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus_rule(x), t * osc_np.expit(x)


@osc.custom_vjp
def cube_rule(x):
    """``x³`` with its own reverse rule."""
    return x * x * x


cube_rule.defvjp(lambda x: (x * x * x, x), lambda x, ct: (3.0 * x * x * ct,))

#: ``tanh(1.5 tanh(x))``, recomputed in the backward pass.
tanh_layer = osc.checkpoint(lambda x: np.tanh(np.tanh(x) * 1.5))


def assert_trees_close(got, want, rtol, atol):
    """Same number of leaves, same shapes, values within ``rtol``/``atol``."""
    lg, lw = tree_leaves(got), tree_leaves(want)
    assert len(lg) == len(lw)
    for g, w in zip(lg, lw):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=rtol, atol=atol)


# --------------------------------------------------------------------------- input domains


def normal(*shape):
    return lambda r: r.standard_normal(shape)


def uniform(lo, hi, *shape):
    return lambda r: r.uniform(lo, hi, shape)


def away(*shape, lo=0.3, hi=2.0):
    """Random sign times a magnitude in [lo, hi]: away from 0 (kinks, poles)."""
    return lambda r: r.choice([-1.0, 1.0], size=shape) * r.uniform(lo, hi, shape)


def distinct(*shape):
    """A permutation of well-separated values: no ties for max/min/maximum."""
    n = int(np.prod(shape))
    return lambda r: (r.permutation(n) * 0.37 - 0.5 * n * 0.37 + r.uniform(-0.05, 0.05, n)).reshape(shape)


def general(n, *batch):
    """A well-conditioned nonsymmetric matrix (or a batch of them)."""
    return lambda r: r.standard_normal(batch + (n, n)) + 3.0 * np.eye(n)


def spd(n, *batch):
    """Symmetric positive definite with well-separated eigenvalues 1, 2.5, 4, ..."""

    def make(r):
        out = []
        for _ in range(int(np.prod(batch))):
            q, _ = np.linalg.qr(r.standard_normal((n, n)))
            w = 1.0 + 1.5 * np.arange(n)
            out.append((q * w) @ q.T)
        a = np.array(out).reshape(batch + (n, n))
        return 0.5 * (a + np.swapaxes(a, -1, -2))

    return make


def const(value):
    return lambda r: np.asarray(value, dtype=float)


def line_derivatives(f, x0, d, order):
    """``[g(0), g'(0), …, g⁽ᵏ⁾(0)]`` of ``g(t) = f(x0 + t d)`` (a scalar ``f``) by nested
    forward mode: the reference Taylor mode is checked against."""
    g = lambda t: f(x0 + t * d)  # noqa: E731
    out = []
    for _ in range(order + 1):
        out.append(g(np.float64(0.0)))
        g = (lambda h: lambda t: osc.jvp(h, (t,), (np.float64(1.0),))[1])(g)
    return out
