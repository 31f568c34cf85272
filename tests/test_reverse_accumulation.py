"""The backward sweep sums cotangents in place once it owns a buffer.  These
functions mix contributions of every kind into the same node -- plain arrays
(linear uses), forward-mode tracers (nonlinear uses under forward over
reverse), scatters from slicing, repeated and advanced indices, and slices of
multiple-result primitives -- and all HVP nestings must still agree with
finite differences of the gradient."""

import numpy as np
import pytest

import osculate as osc

C = np.linspace(0.5, 1.5, 4)


def mixed(x):
    linear = np.sum(x[:4] * C) + 2.0 * np.sum(x)                    # plain-array cotangents
    nonlinear = np.sum(x[1:5] ** 3) + np.sum(np.sin(x[::2]) * x[1::2])  # tracer cotangents
    indexed = np.sum(x[[0, 3, 3, 7]] ** 2) + np.sum(x[-3:] * x[:3])  # advanced / repeated indices
    scaled = np.sum(np.exp(x[2:6]) * C) + np.sum(C @ x[4:8].reshape(4, 1))  # both kinds on one slice
    return linear + nonlinear + indexed + scaled


def eig_slices(x):
    a = x[:9].reshape(3, 3)
    a = a @ a.T + 3.0 * np.eye(3)
    w, v = np.linalg.eigh(a)
    return np.sum(w[:2] ** 2) + w[2] * x[9] + np.sum(v[:, 0] ** 4) + np.sum(v[1:, 1] * x[9])


def fd_hvp(f, x, v, eps=1e-6):
    g = osc.grad(f)
    return (g(x + eps * v) - g(x - eps * v)) / (2 * eps)


@pytest.mark.parametrize("f, n", [(mixed, 10), (eig_slices, 10)])
@pytest.mark.parametrize("mode", osc.HVP_MODES)
def test_hvp_with_mixed_cotangent_kinds(f, n, mode):
    rng = np.random.default_rng(n)
    x = rng.uniform(-0.8, 0.8, n)
    for _ in range(3):
        v = rng.standard_normal(n)
        want = fd_hvp(f, x, v)
        got = osc.hvp(f, x, v, mode=mode)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6 * np.abs(want).max())


@pytest.mark.parametrize("f", [mixed, eig_slices])
def test_repeated_sweeps_do_not_corrupt_their_inputs(f):
    x = np.random.default_rng(1).uniform(-0.8, 0.8, 10)
    v = np.ones(10)
    x0, v0 = x.copy(), v.copy()
    first = osc.hvp(f, x, v)
    for _ in range(3):
        np.testing.assert_array_equal(osc.hvp(f, x, v), first)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(v, v0)


def test_the_tape_keeps_only_what_each_adjoint_reads():
    """Sums, differences, products with constants and slices read no values on the way
    back: a gradient through a long chain of them keeps a handful of arrays alive, not one
    per operation."""
    import tracemalloc

    n = 100_000

    def affine_chain(x):
        y = x
        for _ in range(12):
            y = (y + 1.0) * 0.5 - 0.25  # 36 operations, none of whose values the adjoint reads
        return y

    def f(x):
        return np.sum(affine_chain(x)[1:] ** 2)  # pow keeps its base (a view of the last y)

    x = np.linspace(-1.0, 1.0, n)
    osc.grad(f)(x)
    tracemalloc.start()
    g = osc.grad(f)(x)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    want = np.zeros(n)
    want[1:] = 2.0 * 0.5**12 * affine_chain(x)[1:]  # d/dx of y = 0.5^12 x + const
    np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-300)
    assert peak < 8 * 8 * n, f"peak {peak / (8 * n):.1f} arrays of x's size"


from test_ad_primitives import CASES as PRIMITIVE_CASES  # noqa: E402  (the table of every primitive)


@pytest.mark.parametrize("tag, fn, argmakers", PRIMITIVE_CASES)
def test_residual_declarations_cover_what_each_adjoint_reads(tag, fn, argmakers, request, monkeypatch):
    """With every undeclared value replaced by its shape -- however small -- reverse mode
    (and forward over reverse, reverse over reverse) still matches finite differences: an
    adjoint that reads a value its primitive did not declare would fail here."""
    import zlib

    from osculate.ad import reverse
    from osculate.testing import check_grads

    monkeypatch.setattr(reverse, "DROP_AT_SIZE", 0)
    r = np.random.default_rng(zlib.crc32(request.node.callspec.id.encode()))
    args = tuple(np.asarray(m(r), dtype=float) for m in argmakers)
    check_grads(fn, args, order=2, modes=("fwd", "rev"))
