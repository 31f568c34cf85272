"""Forward over reverse keeps only the gradient's tangent (``hvp``, the dense
``hessian``): its backward sweep leaves out what only the gradient's primal
part needs (``osculate.ad.reverse._primal_needed``).  These tests check that
the products are those of the two other nestings wherever the shortcut
applies or must step aside (traced residuals, functions among a primitive's
parameters, custom rules, several results, outer transformations), and that
the work it skips is really skipped."""

from __future__ import annotations

import numpy as np
import pytest

import osculate as osc
import osculate.numpy as onp
from osculate.ad import core, reverse

RNG = np.random.default_rng(7)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


@osc.custom_vjp
def cubed(x):
    return x * x * x


cubed.defvjp(lambda x: (x * x * x, x), lambda x, ct: (3.0 * x * x * ct,))


def with_custom_vjp(x):
    return np.sum(cubed(x[1:]) * x[:-1]) + np.sum(np.sin(x))


_layer = osc.checkpoint(lambda z: np.tanh(z * 1.3) * 1.5)  # a function among the primitive's parameters


def with_checkpoint(x):
    return np.sum(_layer(x) ** 2 * x)


def with_several_results(x):
    a = np.diag(np.arange(x.size) * 1.0) + 0.1 * np.outer(x, x)  # distinct eigenvalues
    w, v = np.linalg.eigh(a)
    return np.sum(w ** 2) + np.sum(v[:, 0] ** 4) + np.sum(x ** 3)


def linear(x):
    return np.sum(3.0 * x[1:] - x[:-1])


def constant_factor_chain(x):
    y = -(2.0 * x)  # scaled and negated cotangents reach the input through constant residuals only
    return np.sum(np.exp(y[1:]) * 0.5) + np.sum(y[:-1] ** 2)


def reused_slices(x):
    a, b = x[1:], x[:-1]
    return np.sum(a * b) + np.sum(np.cos(b) * x[:-1] ** 2) + np.prod(x[:3])


FUNCTIONS = [rosenbrock, with_custom_vjp, with_checkpoint, with_several_results, linear, constant_factor_chain,
             reused_slices]


@pytest.mark.parametrize("f", FUNCTIONS, ids=[f.__name__ for f in FUNCTIONS])
@pytest.mark.parametrize("n", [5, 2048])
def test_the_product_is_that_of_the_other_nestings(f, n, monkeypatch):
    if f is with_several_results and n > 5:
        n = 40
    x, v = RNG.uniform(-1, 1, n), RNG.standard_normal(n)
    want = osc.hvp(f, x, v, mode="rev-fwd")
    np.testing.assert_allclose(osc.hvp(f, x, v), want, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(osc.hvp(f, x, v, mode="rev-rev"), want, rtol=1e-10, atol=1e-10)
    monkeypatch.setattr(reverse, "DROP_AT_SIZE", 0)  # every value an adjoint does not read is dropped
    np.testing.assert_allclose(osc.hvp(f, x, v), want, rtol=1e-10, atol=1e-10)


def test_the_gradient_tangent_under_plain_jvp_keeps_its_primal():
    """``jvp(grad(f))`` (not the Hessian-vector product) still returns the gradient."""
    x, v = RNG.uniform(-1, 1, 50), RNG.standard_normal(50)
    g, hv = osc.jvp(osc.grad(rosenbrock), (x,), (v,))
    np.testing.assert_allclose(g, osc.grad(rosenbrock)(x), rtol=1e-13)
    np.testing.assert_allclose(hv, osc.hvp(rosenbrock, x, v), rtol=1e-12)


def test_outer_transformations_of_the_product():
    x, v = RNG.uniform(-1, 1, 6), RNG.standard_normal(6)
    h = osc.hessian(reused_slices, mode="rev-rev")(x)
    # vmap over directions: the tangents are batched, the primal plain
    vs = RNG.standard_normal((3, 6))
    np.testing.assert_allclose(osc.vmap(lambda w: osc.hvp(reused_slices, x, w))(vs), vs @ h, rtol=1e-10, atol=1e-12)
    # the dense Hessian (forward over reverse over a batch of basis vectors)
    np.testing.assert_allclose(osc.hessian(reused_slices)(x), h, rtol=1e-10, atol=1e-12)
    # a derivative of the product in the direction (linear: the Hessian again) and in the point
    np.testing.assert_allclose(osc.jacfwd(lambda w: osc.hvp(reused_slices, x, w))(v), h, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(osc.jacrev(lambda w: osc.hvp(reused_slices, x, w))(v), h, rtol=1e-10, atol=1e-12)
    third = osc.jacfwd(lambda z: osc.hvp(reused_slices, z, v))(x)
    want = osc.jacfwd(lambda z: osc.hvp(reused_slices, z, v, mode="rev-fwd"))(x)
    np.testing.assert_allclose(third, want, rtol=1e-10, atol=1e-12)
    # staged: the program is traced with tracers of jit, where the shortcut steps aside
    np.testing.assert_allclose(osc.jit(lambda z, w: osc.hvp(reused_slices, z, w))(x, v), h @ v, rtol=1e-10,
                               atol=1e-12)


def test_aux_and_float32():
    x = RNG.uniform(-1, 1, 8).astype(np.float32)
    v = RNG.standard_normal(8).astype(np.float32)
    hv, aux = osc.hvp(lambda z: (rosenbrock(z), onp.max(z)), x, v, has_aux=True)
    assert hv.dtype == np.float32 and float(aux) == float(np.max(x))
    np.testing.assert_allclose(hv, osc.hvp(rosenbrock, x, v, mode="rev-fwd"), rtol=1e-4)


def test_small_inputs_take_the_plain_sweep_by_default(monkeypatch):
    """Below ``TANGENT_ONLY_AT_SIZE`` elements (the suite sets it to 0) the
    analysis would cost more than it saves: the gradient's primal is formed."""
    monkeypatch.setattr(reverse, "TANGENT_ONLY_AT_SIZE", 1024)
    seen = []
    backward = reverse.backward
    monkeypatch.setattr(reverse, "backward", lambda *a, **k: seen.append(k["tangent_of"]) or backward(*a, **k))
    for n in (1023, 1024):
        x, v = RNG.uniform(-1, 1, n), RNG.standard_normal(n)
        want = osc.hvp(rosenbrock, x, v, mode="rev-fwd")
        seen.clear()
        np.testing.assert_allclose(osc.hvp(rosenbrock, x, v), want, rtol=1e-12)
        assert len(seen) == 1 and (seen[0] is None) == (n < 1024)


def test_the_primal_scatters_into_the_gradient_are_skipped(monkeypatch):
    """Chained Rosenbrock indexes ``x`` three times; the full dual gradient
    scatters both parts of three cotangents into ``x``'s, the product only
    their tangents."""
    scatter = core.PRIMITIVES["scatter"]
    calls = []
    impl, accumulate = scatter.impl, scatter.rules["accumulate"]
    monkeypatch.setattr(scatter, "impl", lambda *a, **k: calls.append("new") or impl(*a, **k))
    monkeypatch.setitem(scatter.rules, "accumulate", lambda *a, **k: calls.append("add") or accumulate(*a, **k))
    x, v = RNG.uniform(-1, 1, 5000), RNG.standard_normal(5000)
    osc.jvp(osc.grad(rosenbrock), (x,), (v,))
    full = len(calls)
    calls.clear()
    osc.hvp(rosenbrock, x, v)
    assert (full, len(calls)) == (6, 3)
