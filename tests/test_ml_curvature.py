"""Layer discovery and layer-wise curvature (osculate.ml.layers, osculate.ml.curvature).

The ground truth is the dense generalised Gauss-Newton matrix of
``osc.ggn_operator`` built from a model and a head written separately from
the loss, so nothing here relies on the trace that is being tested.
"""

import numpy as np
import pytest

import osculate as osc
from osculate.ml.curvature import (GGN, KFAC, ggn_product, kfac_curvature, diagonal, layer_indices, layer_statistics,
                                   to_flat, to_tree)
from osculate.ml.layers import describe, trace_network


# --------------------------------------------------------------------------- models


def softmax_ce(z, y):
    z = z - np.max(z, axis=1, keepdims=True)
    return np.mean(np.log(np.sum(np.exp(z), axis=1)) - z[np.arange(len(y)), y])


def squared_error(z, y):
    return 0.5 * np.mean(np.sum((z - y) ** 2, axis=1))


def dict_model(p, X):  # x @ W + b, then x @ W.T + b (torch's (out, in) storage)
    return np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"].T + p["b2"]


def list_model(p, X):  # a list of layers, the last one without a bias
    (W1, b1), (W2,) = p
    return np.tanh(X @ W1 + b1) @ W2


def make_case(name, n, seed=0):
    """``(loss, model, head, params, batch)`` for one of the test networks."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    if name.startswith("dict"):
        params = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=3),
                  "W2": rng.normal(size=(3, 3)), "b2": rng.normal(size=3)}
        model = dict_model
    else:
        params = [(rng.normal(size=(4, 3)), rng.normal(size=3)), (rng.normal(size=(3, 3)),)]
        model = list_model
    if name.endswith("ce"):
        y, head = rng.integers(0, 3, size=n), softmax_ce
    else:
        y, head = rng.normal(size=(n, 3)), squared_error
    return (lambda p, batch: head(model(p, batch[0]), batch[1])), model, head, params, (X, y)


CASES = ["dict-ce", "dict-se", "list-ce", "list-se"]


def dense_ggn(model, head, params, batch):
    flat, unravel = osc.ravel_pytree(params)
    X, y = batch
    return osc.ggn_operator(model=lambda w: model(unravel(w), X), loss=lambda z: head(z, y), x=flat).to_dense()


def blocks_of(net, matrix):
    return [matrix[np.ix_(layer_indices(net, layer), layer_indices(net, layer))] for layer in net.layers]


# --------------------------------------------------------------------------- layer discovery


@pytest.mark.parametrize("case", CASES)
def test_layers_found(case):
    loss, _, _, params, batch = make_case(case, 5)
    net = trace_network(loss, params, batch)
    assert [(l.transposed, l.bias is not None, l.d_in, l.d_out) for l in net.layers] == (
        [(False, True, 4, 3), (True, True, 3, 3)] if case.startswith("dict")
        else [(False, True, 4, 3), (False, False, 3, 3)])
    assert net.others == [] and net.output is net.layers[-1] and net.n_examples == 5
    text = net.describe()
    assert "dense 0" in text and "dense 1" in text and "layer 0" in text and "diag" not in text
    net.check_rows()  # per-example losses: no coupling


def test_describe_names_the_diagonal_fallbacks():
    def loss(p, batch):
        X, y = batch
        h = np.tanh(X @ p["W"] + p["b"]) * p["scale"]  # a parameter used elementwise
        h = np.tanh(h @ p["S"]) @ p["S"]               # a shared weight used twice
        return softmax_ce(h @ p["V"], y)

    rng = np.random.default_rng(1)
    p = {"W": rng.normal(size=(4, 3)), "b": np.zeros(3), "scale": np.ones(3), "S": rng.normal(size=(3, 3)),
         "V": rng.normal(size=(3, 2))}
    batch = (rng.normal(size=(6, 4)), rng.integers(0, 2, size=6))
    net = trace_network(loss, p, batch)
    assert [l.name for l in net.layers] == ["['W']", "['V']"]
    assert [net.names[i] for i in net.others] == ["['S']", "['scale']"]
    assert net.why_diagonal(net.names.index("['scale']")) == "not a layer: used by mul"
    assert net.why_diagonal(net.names.index("['S']")) == "not a layer: used by matmul x2"
    text = describe(loss, p, batch)
    lines = {name: line for line in text.splitlines()[1:-1] for name in net.names if f" {name} " in line}
    assert lines["['W']"].startswith("dense 0") and "K-FAC 5x3" in lines["['W']"]
    assert lines["['S']"].startswith("diag") and "matmul x2" in lines["['S']"]
    assert lines["['scale']"].startswith("diag") and "used by mul" in lines["['scale']"]
    assert text.splitlines()[-1].startswith("output: pre-activation of dense 1")

    # the diagonal of the other parameters is the exact one in expectation (random signs over examples)
    G = osc.ggn_operator(model=lambda w: net.output_value(osc.ad.tree.tree_leaves(osc.ravel_pytree(p)[1](w))),
                         loss=net.head, x=osc.ravel_pytree(p)[0]).to_dense()
    mean = np.mean([to_flat(net, diagonal(loss, p, batch, seed=s)) for s in range(300)], axis=0)
    exact = np.diag(G)
    assert np.abs(mean - exact).max() <= 0.15 * np.abs(exact).max()
    one = to_flat(net, diagonal(loss, p, batch, seed=0))
    for layer in net.layers:  # dense layers are exact at every seed
        idx = layer_indices(net, layer)
        assert np.allclose(one[idx], exact[idx], rtol=0, atol=1e-12)


def test_parameter_after_the_output_leaves_only_empirical_estimates():
    def loss(p, batch):
        X, y = batch
        return squared_error(np.tanh(X @ p["W"]) * p["scale"], y)

    p = {"W": np.ones((3, 2)), "scale": np.ones(2)}
    batch = (np.ones((4, 3)), np.zeros((4, 2)))
    net = trace_network(loss, p, batch)
    assert net.output is None and "only empirical" in net.describe()
    with pytest.raises(ValueError, match="pre-activation of its last dense layer"):
        layer_statistics(net, "ggn")
    with pytest.raises(ValueError, match="pre-activation of its last dense layer"):
        ggn_product(loss, p, batch)
    with pytest.raises(ValueError, match="outside dense layers"):
        kfac_curvature(loss, p, batch, kind="empirical")
    assert layer_statistics(net, "empirical")[0].g.shape == (1, 4, 2)


def test_check_rows_rejects_a_batch_normalisation():
    def loss(p, batch):
        X, y = batch
        z = X @ p["W"] + p["b"]
        z = (z - np.mean(z, axis=0)) / np.std(z, axis=0)  # normalised over the batch: couples the examples
        return softmax_ce(z, y)

    rng = np.random.default_rng(2)
    p = {"W": rng.normal(size=(3, 2)), "b": np.zeros(2)}
    net = trace_network(loss, p, (rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)))
    with pytest.raises(ValueError, match="couples examples"):
        net.check_rows()


# --------------------------------------------------------------------------- exact blocks


@pytest.mark.parametrize("n", [1, 6])
@pytest.mark.parametrize("case", CASES)
def test_layer_blocks_and_ggn_products_equal_the_dense_ggn(case, n):
    loss, model, head, params, batch = make_case(case, n)
    G = dense_ggn(model, head, params, batch)
    net = trace_network(loss, params, batch)
    scale = np.abs(G).max()
    for block, st in zip(blocks_of(net, G), layer_statistics(net, "ggn")):
        assert np.abs(st.exact_block() - block).max() <= 1e-12 * scale
        assert np.allclose(st.exact_diagonal().ravel(), np.diag(block), rtol=0, atol=1e-12 * scale)
    C = ggn_product(loss, params, batch)
    assert isinstance(C, GGN) and np.isclose(C.value, loss(params, batch), rtol=1e-14)
    assert np.abs(C.to_dense() - G).max() <= 1e-12 * scale
    v = np.random.default_rng(3).normal(size=G.shape[0])
    assert np.allclose(to_flat(net, C.matvec(to_tree(net, v))), G @ v, rtol=0, atol=1e-12 * scale * np.abs(v).sum())
    assert np.allclose(C.as_linear_operator(0.5) @ v, G @ v + 0.5 * v, rtol=0, atol=1e-12 * scale * np.abs(v).sum())
    # the diagonal: exact on dense layers (all parameters are in layers here)
    assert np.allclose(to_flat(net, diagonal(loss, params, batch)), np.diag(G), rtol=0, atol=1e-12 * scale)
    # K-FAC keeps the layer blocks only, and is exact on them for a single example
    D = kfac_curvature(loss, params, batch).to_dense()
    for layer in net.layers:
        idx = layer_indices(net, layer)
        assert np.all(D[np.ix_(idx, np.setdiff1d(np.arange(G.shape[0]), idx))] == 0)
    if n == 1:
        for a, b in zip(blocks_of(net, D), blocks_of(net, G)):
            assert np.abs(a - b).max() <= 1e-12 * scale


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("head", ["ce", "se"])
def test_kfac_of_one_dense_layer_on_one_example_is_the_exact_fisher(transposed, bias, head):
    rng = np.random.default_rng(4)
    p = {"W": rng.normal(size=(3, 4) if transposed else (4, 3))}
    if bias:
        p["b"] = rng.normal(size=3)

    def model(q, X):
        z = X @ (q["W"].T if transposed else q["W"])
        return z + q["b"] if bias else z

    h = softmax_ce if head == "ce" else squared_error
    batch = (rng.normal(size=(1, 4)), rng.integers(0, 3, size=1) if head == "ce" else rng.normal(size=(1, 3)))
    loss = lambda q, b: h(model(q, b[0]), b[1])  # noqa: E731
    flat, unravel = osc.ravel_pytree(p)
    H = osc.hessian(lambda w: loss(unravel(w), batch))(flat)  # a linear model: Hessian = GGN = Fisher
    G = dense_ggn(model, h, p, batch)
    assert np.abs(H - G).max() <= 1e-12 * np.abs(G).max()
    for ekfac in (False, True):
        K = kfac_curvature(loss, p, batch, ekfac=ekfac)
        assert isinstance(K, KFAC)
        assert np.abs(K.to_dense() - G).max() <= 1e-12 * np.abs(G).max()
    # the damped solve is the exact damped inverse
    v = rng.normal(size=flat.size)
    x = to_flat(K.net, K.solve(to_tree(K.net, v), 0.1))
    assert np.allclose(x, np.linalg.solve(G + 0.1 * np.eye(flat.size), v), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("case", ["dict-ce", "list-se"])
def test_ekfac_is_exact_on_the_diagonal_of_its_eigenbasis(case):
    loss, model, head, params, batch = make_case(case, 7)
    net = trace_network(loss, params, batch)
    G = dense_ggn(model, head, params, batch)
    E = kfac_curvature(loss, params, batch, ekfac=True)
    K = kfac_curvature(loss, params, batch)
    for (A, Gf, qa, qg, s), (_, _, qa2, qg2, s2), block in zip(E.blocks, K.blocks, blocks_of(net, G)):
        q = np.kron(qa, qg)
        rotated = q.T @ block @ q
        assert np.abs(np.diag(rotated) - s.ravel()).max() <= 1e-12 * np.abs(block).max()
        # EKFAC's diagonal is the best one in that basis: closer in Frobenius norm than K-FAC's
        err_e = np.linalg.norm(rotated - np.diag(s.ravel()))
        err_k = np.linalg.norm(rotated - np.diag(s2.ravel()))
        assert err_e <= err_k + 1e-12
    # products, solves, the dense form and the LinearOperator agree
    n = G.shape[0]
    D = E.to_dense()
    v = np.random.default_rng(5).normal(size=n)
    assert np.allclose(to_flat(net, E.matvec(to_tree(net, v))), D @ v, rtol=1e-12, atol=1e-12)
    assert np.allclose(E.as_linear_operator(0.3) @ v, D @ v + 0.3 * v, rtol=1e-12, atol=1e-12)
    assert np.allclose(E.as_linear_operator(0.3, inverse=True) @ v, np.linalg.solve(D + 0.3 * np.eye(n), v),
                       rtol=1e-10, atol=1e-12)


def test_empirical_fisher_blocks_are_per_example_gradient_outer_products():
    loss, _, _, params, (X, y) = make_case("dict-ce", 6)
    net = trace_network(loss, params, (X, y))
    per_example = [osc.ravel_pytree(osc.grad(loss)(params, (X[i:i + 1], y[i:i + 1])))[0] for i in range(6)]
    F = sum(np.outer(g, g) for g in per_example) / 6
    for st, block in zip(layer_statistics(net, "empirical"), blocks_of(net, F)):
        assert np.abs(st.exact_block() - block).max() <= 1e-12 * np.abs(F).max()
    # a summed loss, reduction="sum": the sum of the outer products
    summed = lambda p, b: 6 * loss(p, b)  # noqa: E731
    net_sum = trace_network(summed, params, (X, y))
    for st, block in zip(layer_statistics(net_sum, "empirical", reduction="sum"), blocks_of(net, 6 * F)):
        assert np.abs(st.exact_block() - block).max() <= 1e-12 * np.abs(6 * F).max()


def test_monte_carlo_fisher_is_unbiased():
    loss, model, head, params, batch = make_case("dict-ce", 4)
    net = trace_network(loss, params, batch)
    G = dense_ggn(model, head, params, batch)
    seeds = 300
    mean = [np.zeros_like(b) for b in blocks_of(net, G)]
    for seed in range(seeds):
        for m, st in zip(mean, layer_statistics(net, "fisher", seed=seed)):
            m += st.exact_block() / seeds
    for m, block in zip(mean, blocks_of(net, G)):
        # measured 0.03-0.05; one draw alone is off by about 1
        assert np.abs(m - block).max() <= 0.12 * np.abs(block).max()
    one = layer_statistics(net, "fisher", seed=0)[1].exact_block()
    assert np.abs(one - blocks_of(net, G)[1]).max() > 0.12 * np.abs(blocks_of(net, G)[1]).max()
    # the seed may be a sequence (an optimiser passes (seed, step)), and fixes the draws
    a = layer_statistics(net, "fisher", seed=(1, 2))[0].g
    assert np.array_equal(a, layer_statistics(net, "fisher", seed=(1, 2))[0].g)
    assert not np.array_equal(a, layer_statistics(net, "fisher", seed=(1, 3))[0].g)


# --------------------------------------------------------------------------- errors


def test_bad_inputs():
    loss, _, _, params, batch = make_case("dict-ce", 3)
    with pytest.raises(TypeError, match="real floating point"):
        trace_network(loss, {**params, "W1": np.ones((4, 3), dtype=int)}, batch)
    with pytest.raises(ValueError, match="must return a scalar"):
        trace_network(lambda p, b: dict_model(p, b[0]), params, batch)
    with pytest.raises(ValueError, match="kind must be one of"):
        kfac_curvature(loss, params, batch, kind="hessian")
    net = trace_network(loss, params, batch)
    with pytest.raises(ValueError, match="reduction"):
        layer_statistics(net, "empirical", reduction="max")
    K, C = kfac_curvature(loss, params, batch), ggn_product(loss, params, batch)
    wrong = {**params, "W1": np.ones((3, 4))}
    for fn in (K.matvec, lambda v: K.solve(v, 1.0), C.matvec):
        with pytest.raises(ValueError, match="structure and shapes of params"):
            fn(wrong)
        with pytest.raises(ValueError, match="structure and shapes of params"):
            fn([params["W1"]])
    with pytest.raises(ValueError, match="flat parameter vector has 27 entries"):
        to_tree(net, np.ones(34))
    with pytest.raises(ValueError, match="damping > 0"):
        K.solve(params, 0.0)
    with pytest.raises(ValueError, match="damping must be >= 0"):
        K.solve(params, -1.0)
    with pytest.raises(ValueError, match="taps given"):
        net.loss_and_activations(net.leaves, [None])


def test_describe_says_why_a_matmul_weight_is_not_a_layer():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=6)
    text = osc.ml.describe(lambda w, b: np.mean((b[0] @ w - b[1]) ** 2), np.ones(3), (X, y))
    assert "1-D weight in a matmul" in text and "no dense layer found" in text
    text = osc.ml.describe(lambda w, b: np.mean((w @ b[0].T - b[1]) ** 2), np.ones((1, 3)), (X, y))
    assert "multiplies from the left" in text
