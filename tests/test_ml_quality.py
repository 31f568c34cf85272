"""osculate.ml.quality: the exact GGN and the measured quality of the
curvature estimates, on small seeded networks (exact cases first)."""

import json

import numpy as np
import pytest

import osculate as osc
from osculate.ml import quality as Q
from osculate.ml.quality import METHODS, approximation_quality, exact_ggn


def softmax_ce(z, y):
    z = z - np.max(z, axis=1, keepdims=True)
    return np.mean(np.log(np.sum(np.exp(z), axis=1)) - np.sum(z * y, axis=1))


def mlp_loss(p, batch):
    X, y = batch
    return softmax_ce(np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"], y)


def list_loss(layers, batch):
    X, y = batch
    (W1, b1), (W2, b2) = layers
    return softmax_ce(np.tanh(X @ W1 + b1) @ W2 + b2, y)


def mlp(n=12, seed=0, sizes=(4, 5, 3)):
    rng = np.random.default_rng(seed)
    p = {"W1": rng.normal(size=sizes[:2]) / 2, "b1": 0.1 * rng.normal(size=sizes[1]),
         "W2": rng.normal(size=sizes[1:]) / 2, "b2": 0.1 * rng.normal(size=sizes[2])}
    batch = (rng.normal(size=(n, sizes[0])), np.eye(sizes[2])[rng.integers(0, sizes[2], n)])
    return p, batch


def test_exact_ggn_matches_the_generic_ggn_operator():
    p, batch = mlp()
    w, unravel = osc.ravel_pytree(p)
    X, y = batch
    model = lambda v: np.tanh(X @ unravel(v)["W1"] + unravel(v)["b1"]) @ unravel(v)["W2"] + unravel(v)["b2"]
    reference = osc.ggn_operator(model=model, loss=lambda z: softmax_ce(z, y), x=w).to_dense()
    G = exact_ggn(mlp_loss, p, batch, chunk_size=7)   # chunks that do not divide n
    np.testing.assert_allclose(G, reference, atol=1e-12)
    assert np.allclose(G, G.T)


def test_one_example_one_layer_kfac_is_exact():
    rng = np.random.default_rng(1)
    p = {"W": rng.normal(size=(4, 3)), "b": rng.normal(size=3)}
    batch = (rng.normal(size=(1, 4)), np.eye(3)[[2]])
    loss = lambda p, batch: softmax_ce(batch[0] @ p["W"] + p["b"], batch[1])  # noqa: E731
    q = approximation_quality(loss, p, batch, damping=1e-3, methods=("block-ggn", "kfac", "ekfac", "diag-ggn"))
    for method in ("block-ggn", "kfac", "ekfac"):
        row = q.row(method)
        assert row.overall_error < 1e-10 and max(row.block_errors) < 1e-10, method
        assert row.cosine == pytest.approx(1.0, abs=1e-10)
        assert row.trace_ratio == pytest.approx(1.0, abs=1e-10)
    assert q.row("diag-ggn").overall_error > 0.1  # the block is not diagonal


def test_rank_one_cases_of_the_empirical_estimates():
    """One example, one output, squared error with residual ±1: the GGN
    ``x xᵀ`` equals the empirical Fisher ``r² x xᵀ``; Shampoo's statistic
    of one rank-one gradient and Adam's ``B v̂`` (B = 1) are then exact."""
    rng = np.random.default_rng(2)
    p = {"W": rng.normal(size=(3, 1))}
    X = rng.normal(size=(1, 3))
    batch = (X, X @ p["W"] - 1.0)
    loss = lambda p, batch: 0.5 * np.mean((batch[0] @ p["W"] - batch[1]) ** 2)  # noqa: E731
    q = approximation_quality(loss, p, batch, minibatch_size=1,
                              methods=("block-ggn", "kfac", "shampoo", "diag-ggn", "diag-ef", "adam"))
    assert q.row("kfac").overall_error < 1e-12
    assert q.row("shampoo").overall_error < 1e-12
    assert q.row("shampoo").cosine == pytest.approx(1.0, abs=1e-12)
    for method in ("diag-ef", "adam"):
        assert q.row(method).overall_error == pytest.approx(q.row("diag-ggn").overall_error, abs=1e-12)
        assert q.row(method).trace_ratio == pytest.approx(1.0, abs=1e-12)


def test_shampoo_statistic_and_step_by_their_definitions():
    rng = np.random.default_rng(3)
    grads = [[rng.normal(size=(4, 3)), rng.normal(size=3)] for _ in range(5)]
    stats = Q._shampoo_statistics(grads, 2.0)
    L = 2.0 * np.mean([g[0] @ g[0].T for g in grads], axis=0)
    R = 2.0 * np.mean([g[0].T @ g[0] for g in grads], axis=0)
    np.testing.assert_allclose(stats[0][0], L)
    np.testing.assert_allclose(stats[0][1], R)
    root = lambda S, p: (lambda lam, q: (q * lam ** p) @ q.T)(*np.linalg.eigh(S))  # noqa: E731
    P = Q._shampoo_matrix(stats[0], None)
    kron = np.kron(root(L, 0.5), root(R, 0.5))
    np.testing.assert_allclose(P, kron * np.trace(L) / np.trace(kron), rtol=1e-12)
    assert np.trace(P) == pytest.approx(np.trace(L))
    G = rng.normal(size=(4, 3))
    np.testing.assert_allclose(Q._shampoo_step(stats[0], G, eps=0.0), root(L, -0.25) @ G @ root(R, -0.25),
                               rtol=1e-10)
    # the step is P^(-1/2) g: Shampoo applies the inverse square root of the (unscaled) statistic
    np.testing.assert_allclose(Q._shampoo_step(stats[0], G, eps=0.0).ravel(), root(kron, -0.5) @ G.ravel(),
                               rtol=1e-8)
    np.testing.assert_allclose(Q._shampoo_matrix(stats[1], None), stats[1][0])  # a vector: full-matrix S


def test_every_method_on_a_small_mlp_is_finite_and_bounded():
    p, batch = mlp(n=24)
    q = approximation_quality(mlp_loss, p, batch, damping=1e-2, minibatch_size=4, hutchinson_probes=20)
    assert [r.method for r in q.rows] == list(METHODS)
    assert q.block_names == ("dense 0", "dense 1") and q.block_sizes == (25, 18) and q.n_params == 43
    assert q.row("block-ggn").block_errors == (0.0, 0.0)
    for r in q.rows:
        assert -1.0 <= r.cosine <= 1.0 + 1e-12 and np.isfinite(r.cosine), r
        if r.method in ("adam-step", "shampoo-step", "sgd"):
            assert r.block_errors is None and r.overall_error is None
        else:
            assert all(np.isfinite(e) and e >= 0 for e in r.block_errors), r
            # the overall error includes the between-layer blocks every estimate leaves out
            assert r.overall_error >= q.row("block-ggn").overall_error - 1e-12, r
    assert q.row("kfac").overall_error < q.row("diag-ggn").overall_error
    # the best diagonal in Frobenius norm is the exact one
    for method in ("diag-ef", "hutchinson", "adam"):
        assert q.row(method).overall_error >= q.row("diag-ggn").overall_error - 1e-12
    text = q.table()
    for name in METHODS:
        assert name in text
    assert "dense 0 (25)" in text and "overall" in text and "cos(nat. grad.)" in text
    assert str(q) == text
    d = json.loads(json.dumps(q.to_dict()))
    assert d["n_params"] == 43 and len(d["rows"]) == len(METHODS) and d["rows"][0]["block_errors"] == [0.0, 0.0]


def test_dict_and_list_parameters_give_the_same_numbers():
    p, batch = mlp(n=10, seed=4)
    layers = [(p["W1"], p["b1"]), (p["W2"], p["b2"])]
    methods = ("kfac", "diag-ef", "adam", "shampoo", "shampoo-step")
    a = approximation_quality(mlp_loss, p, batch, methods=methods, minibatch_size=5)
    b = approximation_quality(list_loss, layers, batch, methods=methods, minibatch_size=5)
    for ra, rb in zip(a.rows, b.rows):
        assert ra.cosine == pytest.approx(rb.cosine, abs=1e-10)
        assert ra.overall_error == pytest.approx(rb.overall_error, abs=1e-10) or ra.overall_error is None


def test_sum_reduction_rescales_the_empirical_estimates():
    p, batch = mlp(n=8, seed=5)
    sum_loss = lambda p, batch: batch[0].shape[0] * mlp_loss(p, batch)  # noqa: E731 - a sum over the rows
    methods = ("diag-ef", "adam")
    a = approximation_quality(mlp_loss, p, batch, methods=methods, minibatch_size=2)
    b = approximation_quality(sum_loss, p, batch, methods=methods, minibatch_size=2, reduction="sum",
                              damping=8e-3)
    for ra, rb in zip(a.rows, b.rows):
        assert ra.trace_ratio == pytest.approx(rb.trace_ratio, rel=1e-10)
        assert ra.cosine == pytest.approx(rb.cosine, abs=1e-10)


def test_errors_are_one_line_value_errors():
    p, batch = mlp(n=4)
    with pytest.raises(ValueError, match="unknown methods"):
        approximation_quality(mlp_loss, p, batch, methods=("kfac", "lbfgs"))
    with pytest.raises(ValueError, match="damping"):
        approximation_quality(mlp_loss, p, batch, damping=0.0)
    scaled = lambda p, batch: mlp_loss(p, batch) * np.sum(p["b2"] ** 2)  # noqa: E731 - a parameter after the output
    with pytest.raises(ValueError, match="last dense layer"):
        approximation_quality(scaled, p, batch, methods=("kfac",))
    weighted = lambda p, batch: mlp_loss(p, batch[:2]) * np.sum(batch[2])  # noqa: E731
    with pytest.raises(ValueError, match="4 rows"):  # a batch array without one row per example cannot be split
        approximation_quality(weighted, p, batch + (np.ones(2),), methods=("adam",))
