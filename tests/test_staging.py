"""linearize: the staged tangent program replays to the same products as fresh
forward-over-reverse passes, one vector at a time and batched."""

import numpy as np
import pytest

import osculate as osc


def mlp_loss(w):
    X = np.linspace(-1.0, 1.0, 5 * 3).reshape(5, 3)
    W1, b1 = w[:12].reshape(3, 4), w[12:16]
    W2, b2 = w[16:24].reshape(4, 2), w[24:26]
    h = np.tanh(X @ W1 + b1)
    # h @ W2 has a two-term tangent (an add the replay owns); adding the bias then broadcasts
    # a (batch, 2) tangent against (batch, 5, 2): per-example ranks differ in the batched replay
    out = h @ W2 + b2
    return np.mean((out - np.sin(X[:, :2])) ** 2) + 0.1 * np.sum(w[::3] * w[1::3])


def rosen(x):
    return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2) + np.sum(x[[0, 2, 2]] ** 3)


def linalg_mix(x):
    a = x[:9].reshape(3, 3)
    a = a @ a.T + 3 * np.eye(3)
    w, v = np.linalg.eigh(a)
    return np.sum(w ** 3) + np.linalg.slogdet(a)[1] + np.sum(np.linalg.solve(a, x[9:12]) ** 2)


@pytest.mark.parametrize("f, n", [(mlp_loss, 26), (rosen, 7), (linalg_mix, 12)])
def test_replay_matches_hvp_one_and_batched(f, n):
    rng = np.random.default_rng(n)
    x = rng.uniform(-0.5, 0.5, n)
    _, hvp_fn = osc.linearize(osc.grad(f), x)
    V = rng.standard_normal((6, n))
    want = np.stack([osc.hvp(f, x, v) for v in V])
    got_one = np.stack([hvp_fn(v) for v in V])
    got_batch = hvp_fn.batch(V)
    scale = np.abs(want).max()
    assert np.abs(got_one - want).max() <= 1e-13 * scale
    assert np.abs(got_batch - want).max() <= 1e-13 * scale
    assert np.abs(osc.vmap(hvp_fn)(V) - want).max() <= 1e-13 * scale


def test_replay_does_not_alter_the_staged_constants():
    x = np.linspace(0.1, 0.9, 7)
    _, hvp_fn = osc.linearize(osc.grad(rosen), x)
    v = np.ones(7)
    first = hvp_fn(v)
    hvp_fn.batch(np.stack([v, 2 * v]))
    np.testing.assert_array_equal(hvp_fn(v), first)  # in-place sums never touch recorded constants


def test_linearize_checks_the_tangent_shape():
    _, jvp_fn = osc.linearize(np.sin, np.zeros(3))
    with pytest.raises(ValueError, match="tangent of shape"):
        jvp_fn(np.zeros(4))
    with pytest.raises(ValueError, match="expected"):
        jvp_fn.batch(np.zeros((2, 4)))


def test_hessian_operator_matmat_equals_matvecs():
    x = np.random.default_rng(3).uniform(-0.5, 0.5, 26)
    op = osc.hessian_operator(mlp_loss, x)
    V = np.random.default_rng(4).standard_normal((26, 5))
    np.testing.assert_allclose(op @ V, np.stack([op @ c for c in V.T], axis=1), rtol=1e-12, atol=1e-14)


def test_f_may_branch_on_the_point_only_the_tangent_is_staged():
    def f(x):
        return np.sin(x) * x if x[0] > 0 else np.cos(x) * x  # a branch on the point's value

    for x in (np.array([0.5, 1.0]), np.array([-0.5, 1.0])):
        _, jvp_fn = osc.linearize(f, x)
        for t in (np.array([1.0, 0.0]), np.array([0.3, -2.0])):
            np.testing.assert_allclose(jvp_fn(t), osc.jvp(f, (x,), (t,))[1], rtol=1e-14)


def test_linearize_inside_another_transform_runs_forward_mode():
    # d/ds of the directional derivative of sum(x**3) along v at x = s * ones
    v = np.array([1.0, 2.0])

    def directional(s):
        _, jvp_fn = osc.linearize(lambda x: np.sum(x ** 3), s * np.ones(2))
        return jvp_fn(v)

    # sum(3 x_i^2 v_i) with x = s: 3 s^2 (1 + 2) -> derivative 18 s
    np.testing.assert_allclose(osc.grad(directional)(1.5), 18 * 1.5)
