"""osculate.ml.optimizers: the optax-like convention, SGD/Adam/AdamW against
their defining formulas and against torch.optim step by step, Shampoo against
the dense per-mode formula, AdaHessian's Hutchinson diagonal against the exact
Hessian diagonal."""

import dataclasses

import numpy as np
import pytest
import scipy.linalg

import osculate as osc
from osculate.ad.tree import tree_flatten, tree_unflatten
from osculate.ml.data import init_mlp, mlp_loss
from osculate.ml.optimizers import (
    OPTIMIZERS, AdamState, Optimizer, adahessian, adam, adam_diagonal, adamw, apply_updates,
    hutchinson_diagonal, sgd, shampoo,
)


def _problem(seed=0, sizes=(5, 4, 3), n=8):
    rng = np.random.default_rng(seed)
    params = init_mlp(sizes, seed=seed)
    X = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n)
    return params, (X, y)


def _run(opt, params, batches, loss=mlp_loss):
    """Params after each step of ``opt`` on ``batches``."""
    state = opt.init(params)
    out = []
    for batch in batches:
        grads = osc.grad(loss)(params, batch)
        updates, state = opt.update(grads, state, params, batch=batch)
        params = apply_updates(params, updates)
        out.append(params)
    return out, state


def _data_stream(seed=1, steps=6, sizes=(5, 4, 3), n=8):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(n, sizes[0])), rng.integers(0, sizes[-1], size=n)) for _ in range(steps)]


# --------------------------------------------------------------------------- convention


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_convention(name):
    params, batch = _problem()
    factory = OPTIMIZERS[name]
    opt = factory(mlp_loss) if name == "adahessian" else factory(lr=0.01) if name == "sgd" else factory()
    assert isinstance(opt, Optimizer) and opt.name == name and opt.needs_loss == (name == "adahessian")
    assert repr(opt).startswith(name + "(")
    state = opt.init(params)
    frozen = {k: v.copy() for k, v in params.items()}
    grads = osc.grad(mlp_loss)(params, batch)
    updates, new_state = opt.update(grads, state, params, batch=batch)
    assert sorted(updates) == sorted(params)
    assert all(updates[k].shape == params[k].shape for k in params)
    assert new_state.count == state.count + 1 == 1
    # nothing is modified in place: the old state gives the same step again
    again, _ = opt.update(grads, state, params, batch=batch)
    assert all(np.array_equal(again[k], updates[k]) for k in params)
    assert all(np.array_equal(frozen[k], params[k]) for k in params)
    new = apply_updates(params, updates)
    assert all(np.array_equal(new[k], params[k] + updates[k]) for k in params)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opt.name = "other"


def test_list_of_layers_and_dict_give_the_same_steps():
    params, _ = _problem()
    layers = [(params["W1"], params["b1"]), (params["W2"], params["b2"])]
    stream = _data_stream(steps=3)
    # (not adahessian: its random probes are drawn leaf by leaf in the order of the tree)
    for opt in (sgd(0.1, momentum=0.9), adam(0.01), shampoo(0.01)):
        a, _ = _run(opt, params, stream)
        b, _ = _run(opt, layers, stream)
        assert isinstance(b[-1], list) and isinstance(b[-1][0], tuple)
        for pa, pb in zip(a, b):
            for i in (1, 2):
                assert np.array_equal(pa[f"W{i}"], pb[i - 1][0]) and np.array_equal(pa[f"b{i}"], pb[i - 1][1])


def test_clear_errors():
    params, batch = _problem()
    grads = osc.grad(mlp_loss)(params, batch)
    opt = adam()
    state = opt.init(params)
    with pytest.raises(ValueError, match="same structure"):
        opt.update({"W1": grads["W1"]}, state, params)
    with pytest.raises(ValueError, match="shape"):
        opt.update(dict(grads, W1=grads["W1"][:2]), state, params)
    with pytest.raises(ValueError, match="same structure"):
        apply_updates(params, [grads["W1"]])
    with pytest.raises(TypeError, match="state made by this optimiser"):
        sgd(0.1).update(grads, state, params)
    with pytest.raises(ValueError, match="needs params"):
        adam(weight_decay=0.1).update(grads, state)
    with pytest.raises(ValueError, match="minibatch"):
        ah = adahessian(mlp_loss)
        ah.update(grads, ah.init(params), params)
    with pytest.raises(TypeError, match="loss"):
        adahessian(0.1)
    with pytest.raises(ValueError, match="b1"):
        adam(b1=1.0)
    with pytest.raises(ValueError, match="lr"):
        sgd(lr=-1.0)
    with pytest.raises(ValueError, match="nesterov"):
        sgd(0.1, nesterov=True)
    with pytest.raises(ValueError, match="grafting"):
        shampoo(grafting="rmsprop")
    with pytest.raises(ValueError, match="shapes of the state"):
        sh = shampoo()
        sh.update({"w": np.ones((2, 3))}, sh.init({"w": np.ones((3, 2))}))
    with pytest.raises(ValueError, match="made for 4 parameter arrays"):
        opt.update([grads["W1"]], state)
    with pytest.raises(TypeError, match="real arrays"):
        adam().init({"w": np.array(["a"])})


# --------------------------------------------------------------------------- the defining formulas


def _gradient_stream(seed=3, steps=5):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(3, 2)) for _ in range(steps)], rng.normal(size=(3, 2))


@pytest.mark.parametrize("momentum,nesterov,wd", [(0.0, False, 0.0), (0.9, False, 0.0), (0.8, True, 0.01)])
def test_sgd_formula(momentum, nesterov, wd):
    grads, p0 = _gradient_stream()
    lr = 0.3
    opt = sgd(lr, momentum=momentum, nesterov=nesterov, weight_decay=wd)
    state, p = opt.init(p0), p0
    q, buf = p0.copy(), np.zeros_like(p0)
    for g in grads:
        u, state = opt.update(g, state, p)
        p = apply_updates(p, u)
        d = g + wd * q
        buf = momentum * buf + d
        step = d + momentum * buf if nesterov else (buf if momentum else d)
        q = q - lr * step
        np.testing.assert_allclose(p, q, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("decoupled,wd", [(False, 0.0), (False, 0.05), (True, 0.05)])
def test_adam_and_adamw_formula(decoupled, wd):
    grads, p0 = _gradient_stream()
    lr, b1, b2, eps = 0.01, 0.8, 0.95, 1e-6
    opt = (adamw if decoupled else adam)(lr=lr, b1=b1, b2=b2, eps=eps, weight_decay=wd)
    state, p = opt.init(p0), p0
    q, m, v = p0.copy(), np.zeros_like(p0), np.zeros_like(p0)
    for t, g in enumerate(grads, start=1):
        u, state = opt.update(g, state, p)
        p = apply_updates(p, u)
        if not decoupled:
            g = g + wd * q
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        q = q - lr * m_hat / (np.sqrt(v_hat) + eps) - (lr * wd * q if decoupled else 0.0)
        np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-15)
        assert isinstance(state, AdamState) and state.count == t
        np.testing.assert_allclose(state.m, m, rtol=1e-14)
        np.testing.assert_allclose(state.v, v, rtol=1e-14)
        np.testing.assert_allclose(adam_diagonal(state, eps), np.sqrt(v_hat) + eps, rtol=1e-14)


def test_adam_diagonal_is_adams_denominator():
    params, batch = _problem()
    opt = adam(lr=0.01)
    state = opt.init(params)
    with pytest.raises(ValueError, match="no gradient"):
        adam_diagonal(state)
    grads = osc.grad(mlp_loss)(params, batch)
    u, state = opt.update(grads, state, params)
    diag = adam_diagonal(state, 1e-8)
    for k in params:   # first step: m̂ = g, so the update is −lr · g / diag
        np.testing.assert_allclose(u[k], -0.01 * grads[k] / diag[k], rtol=1e-14)


# --------------------------------------------------------------------------- torch.optim, step by step


def _torch_run(torch, make_opt, params, stream):
    """Params after each step of a torch optimiser on the same MLP and data."""
    tp = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    names = sorted(tp)
    opt = make_opt([tp[k] for k in names])
    out = []
    for X, y in stream:
        opt.zero_grad()
        h = torch.tanh(torch.tensor(X) @ tp["W1"] + tp["b1"])
        logits = h @ tp["W2"] + tp["b2"]
        loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y))
        loss.backward()
        opt.step()
        out.append({k: tp[k].detach().numpy().copy() for k in names})
    return out


TORCH_CASES = {
    "sgd": (lambda: sgd(0.2), lambda t: lambda ps: t.optim.SGD(ps, lr=0.2)),
    "sgd-momentum": (lambda: sgd(0.2, momentum=0.9, weight_decay=0.01),
                     lambda t: lambda ps: t.optim.SGD(ps, lr=0.2, momentum=0.9, weight_decay=0.01)),
    "sgd-nesterov": (lambda: sgd(0.1, momentum=0.8, nesterov=True),
                     lambda t: lambda ps: t.optim.SGD(ps, lr=0.1, momentum=0.8, nesterov=True)),
    "adam": (lambda: adam(0.05), lambda t: lambda ps: t.optim.Adam(ps, lr=0.05)),
    "adam-l2": (lambda: adam(0.05, b1=0.8, b2=0.99, eps=1e-6, weight_decay=0.1),
                lambda t: lambda ps: t.optim.Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    "adamw": (lambda: adamw(0.05, weight_decay=0.1),
              lambda t: lambda ps: t.optim.AdamW(ps, lr=0.05, weight_decay=0.1)),
}


@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_matches_torch_optim_step_by_step(case):
    torch = pytest.importorskip("torch")
    ours, theirs = TORCH_CASES[case]
    params, _ = _problem(seed=4)
    stream = _data_stream(seed=5, steps=8)
    a, _ = _run(ours(), params, stream)
    b = _torch_run(torch, theirs(torch), params, stream)
    worst = max(np.max(np.abs(pa[k] - pb[k])) for pa, pb in zip(a, b) for k in params)
    moved = max(np.max(np.abs(a[-1][k] - params[k])) for k in params)
    assert moved > 1e-2             # the runs did something
    assert worst < 1e-10, worst


# --------------------------------------------------------------------------- Shampoo


def _inv_fourth_root(S):
    """``S^(−1/4)`` for symmetric positive definite ``S``, by two matrix square roots."""
    return np.linalg.inv(np.real(scipy.linalg.sqrtm(np.real(scipy.linalg.sqrtm(S)))))


def _damped(S, eps):
    return S + eps * np.linalg.eigvalsh(S)[-1] * np.eye(len(S))


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (2, 6)])
def test_shampoo_matrix_update_is_L_G_R(shape):
    rng = np.random.default_rng(7)
    G1, G2 = rng.normal(size=shape), rng.normal(size=shape)
    eps, lr = 1e-6, 0.5
    opt = shampoo(lr=lr, eps=eps, grafting=None, momentum=0.0)
    u1, state = opt.update(G1, opt.init(np.zeros(shape)))
    L, R = G1 @ G1.T, G1.T @ G1
    expected = -lr * _inv_fourth_root(_damped(L, eps)) @ G1 @ _inv_fourth_root(_damped(R, eps))
    np.testing.assert_allclose(u1, expected, rtol=1e-8, atol=1e-10)
    # the statistics accumulate (beta2 = 1)
    u2, state = opt.update(G2, state)
    L, R = L + G2 @ G2.T, R + G2.T @ G2
    expected = -lr * _inv_fourth_root(_damped(L, eps)) @ G2 @ _inv_fourth_root(_damped(R, eps))
    np.testing.assert_allclose(u2, expected, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(state.stats[0][0], L, rtol=1e-14)


def _sym_power(S, a):
    w, V = np.linalg.eigh(S)
    return V @ np.diag(w ** a) @ V.T


def test_shampoo_order_three_tensor_is_the_per_mode_formula():
    rng = np.random.default_rng(8)
    G = rng.normal(size=(3, 4, 2))
    eps = 1e-4
    opt = shampoo(lr=1.0, eps=eps, grafting=None, momentum=0.0)
    u, state = opt.update({"k": G}, opt.init({"k": np.zeros(G.shape)}))
    S = [np.einsum("ijk,ljk->il", G, G), np.einsum("ijk,ilk->jl", G, G), np.einsum("ijk,ijl->kl", G, G)]
    R = [_sym_power(_damped(s, eps), -1.0 / 6.0) for s in S]
    expected = -np.einsum("ai,bj,ck,ijk->abc", R[0], R[1], R[2], G)
    np.testing.assert_allclose(u["k"], expected, rtol=1e-10, atol=1e-12)
    for s, mine in zip(S, state.stats[0]):
        np.testing.assert_allclose(mine, s, rtol=1e-14)


def test_shampoo_vector_and_scalar_and_skipped_modes():
    rng = np.random.default_rng(9)
    g, W = rng.normal(size=5), rng.normal(size=(3, 7))
    eps = 1e-3
    params = {"b": np.zeros(5), "s": np.zeros(()), "W": np.zeros((3, 7))}
    opt = shampoo(lr=1.0, eps=eps, grafting=None, momentum=0.0, max_preconditioner_dim=5)
    u, state = opt.update({"b": g, "s": np.array(2.0), "W": W}, opt.init(params))
    # a vector: full-matrix AdaGrad, (g gᵀ + damping)^(−1/2) g
    np.testing.assert_allclose(u["b"], -_sym_power(_damped(np.outer(g, g), eps), -0.5) @ g, rtol=1e-10)
    assert u["s"] == -2.0                            # a scalar is not preconditioned
    # the mode of length 7 > 5 is skipped and k counts one mode: (W Wᵀ + damping)^(−1/2) W
    assert state.stats[0][1] is None                  # leaves in sorted-key order: W, b, s
    np.testing.assert_allclose(u["W"], -_sym_power(_damped(W @ W.T, eps), -0.5) @ W, rtol=1e-10)


@pytest.mark.parametrize("grafting", ["sgd", "adagrad", "adam"])
def test_shampoo_grafting_takes_the_grafted_norm(grafting):
    rng = np.random.default_rng(10)
    params = {"W": np.zeros((4, 3)), "b": np.zeros(3)}
    plain = shampoo(lr=0.1, eps=1e-6, grafting=None, momentum=0.0)
    opt = shampoo(lr=0.1, eps=1e-6, grafting=grafting, momentum=0.0, graft_b2=0.9, graft_eps=1e-8)
    s_plain, s = plain.init(params), opt.init(params)
    acc = {k: np.zeros_like(v) for k, v in params.items()}
    for t in range(1, 4):
        g = {"W": rng.normal(size=(4, 3)), "b": rng.normal(size=3)}
        d, s_plain = plain.update(g, s_plain)
        u, s = opt.update(g, s)
        for k in params:
            if grafting == "sgd":
                graft = g[k]
            elif grafting == "adagrad":
                acc[k] = acc[k] + g[k] ** 2
                graft = g[k] / (np.sqrt(acc[k]) + 1e-8)
            else:
                acc[k] = 0.9 * acc[k] + 0.1 * g[k] ** 2
                graft = g[k] / (np.sqrt(acc[k] / (1 - 0.9 ** t)) + 1e-8)
            assert np.isclose(np.linalg.norm(u[k]), 0.1 * np.linalg.norm(graft), rtol=1e-12)
            # same direction as plain Shampoo
            np.testing.assert_allclose(u[k] / np.linalg.norm(u[k]), d[k] / np.linalg.norm(d[k]), atol=1e-12)


def test_shampoo_momentum_update_every_and_moving_average():
    rng = np.random.default_rng(11)
    G = [rng.normal(size=(3, 2)) for _ in range(3)]
    eps = 1e-6
    # momentum: buf = 0.5 buf + P
    base = shampoo(lr=1.0, eps=eps, grafting=None, momentum=0.0)
    mom = shampoo(lr=1.0, eps=eps, grafting=None, momentum=0.5)
    sb, sm, buf = base.init(G[0]), mom.init(G[0]), 0.0
    for g in G:
        d, sb = base.update(g, sb)
        u, sm = mom.update(g, sm)
        buf = 0.5 * buf + d
        np.testing.assert_allclose(u, buf, rtol=1e-13)
    # update_every=2: the second step reuses the roots of the first, with new statistics kept
    lazy = shampoo(lr=1.0, eps=eps, grafting=None, momentum=0.0, update_every=2)
    s = lazy.init(G[0])
    _, s = lazy.update(G[0], s)
    roots = s.roots[0]
    u2, s = lazy.update(G[1], s)
    np.testing.assert_allclose(u2, -roots[0] @ G[1] @ roots[1], rtol=1e-13)
    assert s.roots[0] is roots or all(a is b for a, b in zip(s.roots[0], roots))
    np.testing.assert_allclose(s.stats[0][0], G[0] @ G[0].T + G[1] @ G[1].T, rtol=1e-14)
    _, s = lazy.update(G[2], s)                  # step 3 refreshes
    L = G[0] @ G[0].T + G[1] @ G[1].T + G[2] @ G[2].T
    np.testing.assert_allclose(s.roots[0][0], _sym_power(_damped(L, eps), -0.25), rtol=1e-9)
    # beta2 < 1: a moving average of the statistics
    ema = shampoo(lr=1.0, eps=eps, grafting=None, momentum=0.0, beta2=0.9)
    s = ema.init(G[0])
    for g in G[:2]:
        _, s = ema.update(g, s)
    np.testing.assert_allclose(s.stats[0][1], 0.9 * 0.1 * G[0].T @ G[0] + 0.1 * G[1].T @ G[1], rtol=1e-14)


def test_shampoo_is_scale_invariant_with_relative_damping():
    """The damping is relative to λ_max, so scaling the loss by c scales the
    ungrafted Shampoo step by c^0 for a matrix: L^(−1/4) G R^(−1/4) is homogeneous of degree 0."""
    G = np.random.default_rng(12).normal(size=(4, 3))
    opt = shampoo(lr=1.0, grafting=None, momentum=0.0)
    u, _ = opt.update(G, opt.init(G))
    v, _ = opt.update(1e6 * G, opt.init(G))
    np.testing.assert_allclose(u, v, rtol=1e-8)


# --------------------------------------------------------------------------- AdaHessian


def _flat_hessian(loss, params, batch):
    flat, unravel = osc.ravel_pytree(params)
    return osc.hessian(lambda v: loss(unravel(v), batch))(flat), flat, unravel


def test_hutchinson_sample_is_z_times_Hz_and_averages_to_the_diagonal():
    params, batch = _problem(seed=2, sizes=(3, 3, 2), n=6)
    H, flat, unravel = _flat_hessian(mlp_loss, params, batch)
    # each sample is exactly z ⊙ (H z) for the Rademacher z drawn leaf by leaf
    rng = np.random.default_rng(21)
    leaves, treedef = tree_flatten(params)
    z_tree = tree_unflatten(treedef, [(rng.integers(0, 2, size=a.shape) * 2 - 1).astype(float)
                                                  for a in leaves])
    z, _ = osc.ravel_pytree(z_tree)
    one, _ = osc.ravel_pytree(hutchinson_diagonal(mlp_loss, params, batch, n_samples=1, seed=21))
    np.testing.assert_allclose(one, z * (H @ z), rtol=1e-12, atol=1e-14)
    # the average of many samples tends to diag(H), within a few standard errors
    # (the variance of one sample's entry i is Σ_{j≠i} H_ij²)
    n = 400
    est, _ = osc.ravel_pytree(hutchinson_diagonal(mlp_loss, params, batch, n_samples=n, seed=0))
    off = H - np.diag(np.diag(H))
    stderr = np.sqrt(np.sum(off ** 2, axis=1) / n)
    assert np.all(stderr > 0)
    z_scores = (est - np.diag(H)) / stderr
    assert np.max(np.abs(z_scores)) < 5 and np.mean(z_scores ** 2) < 2.5


def test_adahessian_steps_match_the_formula():
    rng = np.random.default_rng(13)
    a = rng.uniform(0.5, 2.0, size=(4,))
    loss = lambda p, batch: 0.5 * np.sum(batch * p["w"] ** 2) + np.sum(p["c"] ** 3)  # noqa: E731
    params = {"w": rng.normal(size=4), "c": rng.normal(size=2)}
    lr, b1, b2, eps, k, wd = 0.1, 0.9, 0.99, 1e-4, 0.5, 0.01
    opt = adahessian(loss, lr=lr, b1=b1, b2=b2, eps=eps, hessian_power=k, weight_decay=wd, n_samples=2)
    state, p = opt.init(params), params
    q = {key: v.copy() for key, v in params.items()}
    m = {key: np.zeros_like(v) for key, v in params.items()}
    v = {key: np.zeros_like(v) for key, v in params.items()}
    for t in range(1, 4):
        g = osc.grad(loss)(p, a)
        u, state = opt.update(g, state, p, batch=a)
        p = apply_updates(p, u)
        # the Hessian is diagonal, diag(a) and diag(6 c): every probe gives it exactly
        D = {"w": a, "c": 6 * q["c"]}
        for key in q:
            gq = a * q["w"] if key == "w" else 3 * q["c"] ** 2
            m[key] = b1 * m[key] + (1 - b1) * gq
            v[key] = b2 * v[key] + (1 - b2) * D[key] ** 2
            denom = (np.sqrt(v[key] / (1 - b2 ** t))) ** k + eps
            q[key] = q[key] - lr * (m[key] / (1 - b1 ** t) / denom + wd * q[key])
            np.testing.assert_allclose(p[key], q[key], rtol=1e-13, atol=1e-15)


def test_adahessian_one_step_on_an_mlp_uses_the_seeded_probes():
    params, batch = _problem(seed=3)
    lr, eps = 0.1, 1e-4
    opt = adahessian(mlp_loss, lr=lr, eps=eps, n_samples=2, seed=5)
    grads = osc.grad(mlp_loss)(params, batch)
    u, state = opt.update(grads, opt.init(params), params, batch=batch)
    # step 0 draws from default_rng([seed, 0])
    D = hutchinson_diagonal(mlp_loss, params, batch, n_samples=2, seed=np.random.default_rng([5, 0]))
    for key in params:   # t = 1: m̂ = g, sqrt(v̂) = |D|
        np.testing.assert_allclose(u[key], -lr * grads[key] / (np.abs(D[key]) + eps), rtol=1e-12, atol=1e-15)
    again, _ = adahessian(mlp_loss, lr=lr, eps=eps, n_samples=2, seed=5).update(
        grads, opt.init(params), params, batch=batch)
    other, _ = adahessian(mlp_loss, lr=lr, eps=eps, n_samples=2, seed=6).update(
        grads, opt.init(params), params, batch=batch)
    assert all(np.array_equal(again[k], u[k]) for k in params)
    assert any(not np.allclose(other[k], u[k]) for k in params)
