"""Structured control flow: cond, switch, while_loop, fori_loop, scan.

Each construct is checked three ways -- eager, staged by ``jit`` and
batched by ``vmap`` -- against closed forms or finite differences, with
derivatives in every nesting: Newton's iteration for the square root (its
derivative in ``a`` is exact), an RK4 integrator written with ``scan``
whose parameter Hessian is compared with finite differences, ``cond`` at
both branches and under ``vmap`` with mixed predicates, and Hessians of a
``while_loop`` with a value-dependent trip count by reverse over reverse.
Then: staged programs replay at other trip counts and branches, sparsity
detection takes unions, and bad bodies get clear errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import osculate as osc
from osculate.ad import control

from _cases import line_derivatives

RNG = np.random.default_rng(17)


# --------------------------------------------------------------------------- helpers


def newton_sqrt(a):
    """√a by Newton's iteration run to convergence: the trip count depends on a."""
    step = lambda x: 0.5 * (x + a / x)  # noqa: E731
    return osc.while_loop(lambda x: np.abs(step(x) - x) > 1e-15 * x, step, a + 1.0)


def fd_hessian(f, x, h=1e-4):
    """Central differences of the gradient (f's gradient by reverse mode)."""
    g = osc.grad(f)
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        cols.append((g(x + e) - g(x - e)) / (2 * h))
    H = np.array(cols)
    return 0.5 * (H + H.T)


def fd_grad(f, x, h=1e-5):
    out = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def staged_ops(fn, *args):
    return [e.prim.name for e in osc.jit(fn).program(*args).eqns]


# --------------------------------------------------------------------------- while_loop: Newton for √a


A_VALUES = [0.01, 2.0, 9.0, 1e6]


@pytest.mark.parametrize("a", A_VALUES)
def test_newton_sqrt_value_and_exact_derivatives(a):
    assert float(newton_sqrt(a)) == pytest.approx(np.sqrt(a), rel=1e-15)
    assert float(osc.grad(newton_sqrt)(a)) == pytest.approx(0.5 / np.sqrt(a), rel=1e-12)
    d2 = osc.hessian(lambda v: newton_sqrt(v[0]))(np.array([a]))[0, 0]
    assert d2 == pytest.approx(-0.25 * a ** -1.5, rel=1e-10)
    d = line_derivatives(lambda v: newton_sqrt(v[0]), np.array([a]), np.array([1.0]), 3)
    series = osc.derivatives_along(lambda v: newton_sqrt(v[0]), np.array([a]), np.array([1.0]), order=3)
    np.testing.assert_allclose(series[1:], d[1:], rtol=1e-9)
    np.testing.assert_allclose(series[3], 0.375 * a ** -2.5, rtol=1e-9)


def test_newton_sqrt_staged_once_for_every_trip_count():
    staged = osc.jit(newton_sqrt)
    for a in A_VALUES:
        assert float(staged(a)) == pytest.approx(np.sqrt(a), rel=1e-15)
    assert staged.cache_size() == 1
    assert staged_ops(newton_sqrt, 2.0) == ["add", "while"]  # a + 1, then the loop as one node
    listing = str(staged.program(2.0))
    assert "cond = program(" in listing and "body = program(" in listing and "div(" in listing


def test_newton_sqrt_batched_members_stop_at_their_own_trip_count():
    a = np.array(A_VALUES)
    np.testing.assert_allclose(osc.vmap(newton_sqrt)(a), np.sqrt(a), rtol=1e-15)
    np.testing.assert_allclose(osc.vmap(osc.grad(newton_sqrt))(a), 0.5 / np.sqrt(a), rtol=1e-12)
    np.testing.assert_allclose(osc.jit(osc.vmap(newton_sqrt))(a), np.sqrt(a), rtol=1e-15)
    np.testing.assert_allclose(osc.jit(osc.vmap(osc.grad(newton_sqrt)))(a), 0.5 / np.sqrt(a), rtol=1e-12)

    # a member that is done keeps its state: count the iterations per member
    def count(limit):
        return osc.while_loop(lambda c: c[1] < limit, lambda c: (c[0] + 1, c[1] + 1.0), (0, 0.0))[0]

    np.testing.assert_array_equal(osc.vmap(count)(np.array([0.0, 3.0, 7.0])), [0, 3, 7])


@pytest.mark.parametrize("a", A_VALUES)
def test_newton_sqrt_derivatives_staged(a):
    g = osc.jit(osc.grad(newton_sqrt))
    assert float(g(a)) == pytest.approx(0.5 / np.sqrt(a), rel=1e-12)
    H = osc.jit(osc.hessian(lambda v: newton_sqrt(v[0]) * v[1]))(np.array([a, 2.0]))
    np.testing.assert_allclose(H, [[-0.5 * a ** -1.5, 0.5 / np.sqrt(a)], [0.5 / np.sqrt(a), 0.0]], rtol=1e-10)


def test_guarded_paths_are_kept_and_replayed():
    g = osc.jit(osc.grad(newton_sqrt))
    for a in [4.0, 1e6, 4.0, 1e6, 5.0]:
        assert float(g(a)) == pytest.approx(0.5 / np.sqrt(a), rel=1e-12)
    assert g.cache_size() == 1  # one signature; the paths for each trip count under it
    assert "guard" in [e.prim.name for e in g.program(4.0).eqns]


def loop_energy(x):
    """A value-dependent number of smoothing steps, then a smooth energy."""
    def body(c):
        y, k = c
        return y - 0.1 * np.tanh(y - np.roll(y, 1)) * y ** 2, k + 1
    y, _ = osc.while_loop(lambda c: (np.sum(c[0] ** 2) > 0.5) & (c[1] < 25), body, (x, 0))
    return np.sum(np.sin(y) * y) + np.prod(y[:2])


@pytest.mark.parametrize("mode", osc.HVP_MODES)
def test_reverse_over_while_hessians_match_finite_differences(mode):
    x = RNG.uniform(0.3, 0.8, 4)
    H_fd = fd_hessian(loop_energy, x)
    H = osc.hessian(loop_energy, mode=mode)(x)
    np.testing.assert_allclose(H, H_fd, rtol=1e-6, atol=1e-7)
    v = RNG.standard_normal(4)
    np.testing.assert_allclose(osc.hvp(loop_energy, x, v, mode=mode), H @ v, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(osc.jit(lambda z: osc.hvp(loop_energy, z, v, mode=mode))(x), H @ v, rtol=1e-10, atol=1e-12)


def test_reverse_over_while_batched():
    X = RNG.uniform(0.3, 0.8, (3, 4))
    got = osc.vmap(osc.hessian(loop_energy))(X)
    for x, H in zip(X, got):
        np.testing.assert_allclose(H, osc.hessian(loop_energy)(x), rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------- scan: an RK4 integrator


def rk4_trajectory(p, steps=20, checkpoint=False):
    """A damped, driven oscillator integrated with RK4 by scan; p = (ω, ζ, A)."""
    h = 0.05

    def rhs(y, t):
        return np.stack([y[1], -p[0] ** 2 * y[0] - 2 * p[1] * p[0] * y[1] + p[2] * np.sin(t)])

    def step(y, t):
        k1 = rhs(y, t)
        k2 = rhs(y + 0.5 * h * k1, t + 0.5 * h)
        k3 = rhs(y + 0.5 * h * k2, t + 0.5 * h)
        k4 = rhs(y + h * k3, t + h)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        return y, y[0]

    return osc.scan(step, np.array([1.0, 0.0]), h * np.arange(steps), checkpoint=checkpoint)


def rk4_loss(p, checkpoint=False):
    y, ys = rk4_trajectory(p, checkpoint=checkpoint)
    return np.sum((ys - 0.3) ** 2) + y[1] ** 2


P = np.array([1.3, 0.2, 0.7])


def test_rk4_scan_parameter_hessian_matches_finite_differences():
    H = osc.hessian(rk4_loss)(P)
    np.testing.assert_allclose(H, fd_hessian(rk4_loss, P), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(osc.grad(rk4_loss)(P), fd_grad(rk4_loss, P), rtol=1e-7)
    for mode in osc.HVP_MODES:
        np.testing.assert_allclose(osc.hessian(rk4_loss, mode=mode)(P), H, rtol=1e-10, atol=1e-12)


def test_rk4_scan_staged_and_batched():
    H = osc.hessian(rk4_loss)(P)
    np.testing.assert_allclose(osc.jit(osc.hessian(rk4_loss))(P), H, rtol=1e-12, atol=1e-14)
    staged = osc.jit(rk4_trajectory)
    assert "scan" in staged_ops(rk4_trajectory, P)
    other = P * 1.1
    for got, want in zip(staged(other), rk4_trajectory(other)):
        np.testing.assert_allclose(got, want, rtol=1e-14)
    Ps = P * np.array([[1.0], [0.9], [1.2]])
    batched = osc.vmap(osc.hessian(rk4_loss))(Ps)
    for p, Hb in zip(Ps, batched):
        np.testing.assert_allclose(Hb, osc.hessian(rk4_loss)(p), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(osc.jit(osc.vmap(rk4_loss))(Ps), [rk4_loss(p) for p in Ps], rtol=1e-14)


def test_scan_checkpoint_gives_the_same_derivatives():
    H = osc.hessian(rk4_loss)(P)
    np.testing.assert_allclose(osc.hessian(lambda p: rk4_loss(p, checkpoint=True))(P), H, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(osc.grad(lambda p: rk4_loss(p, checkpoint=True))(P), osc.grad(rk4_loss)(P), rtol=1e-13)


def test_scan_semantics():
    xs = np.array([1.0, 2.0, 3.0])
    carry, ys = osc.scan(lambda c, x: (c + x, c * x), 0.0, xs)
    assert float(carry) == 6.0
    np.testing.assert_array_equal(ys, [0.0, 2.0, 9.0])
    carry, ys = osc.scan(lambda c, x: (c + x, c * x), 0.0, xs, reverse=True)
    assert float(carry) == 6.0
    np.testing.assert_array_equal(ys, [5.0 * 1.0, 3.0 * 2.0, 0.0])  # ys[i] belongs to xs[i]
    staged = osc.jit(lambda x: osc.scan(lambda c, x: (c + x, c * x), 0.0, x, reverse=True))
    np.testing.assert_array_equal(staged(xs)[1], ys)
    # pytrees of carries and xs, no ys, length without xs
    c, ys = osc.scan(lambda c, x: ({"s": c["s"] + x["a"] * x["b"]}, None), {"s": 0.0},
                     {"a": np.ones(4), "b": np.arange(4.0)})
    assert float(c["s"]) == 6.0 and ys is None
    c, ys = osc.scan(lambda c, _: (2.0 * c, c), 1.0, length=3)
    np.testing.assert_array_equal(ys, [1.0, 2.0, 4.0])
    c, ys = osc.scan(lambda c, x: (c, x * c), np.ones(2), np.zeros((0, 2)))
    assert ys.shape == (0, 2)


# --------------------------------------------------------------------------- cond and switch


def piecewise(x):
    return osc.cond(np.sum(x) > 0, lambda y: np.sum(y ** 3) * y[0], lambda y: np.sum(np.sin(y) * y), x)


def piecewise_hessian(x):
    if np.sum(x) > 0:
        s = np.sum(x ** 3)
        H = np.diag(6 * x * x[0])
        H[0, :] += 3 * x ** 2
        H[:, 0] += 3 * x ** 2
        return H
    return np.diag(2 * np.cos(x) - x * np.sin(x))


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_cond_both_branches_eager_staged_batched(sign):
    x = sign * RNG.uniform(0.2, 1.0, 3)
    want = piecewise_hessian(x)
    np.testing.assert_allclose(osc.hessian(piecewise)(x), want, rtol=1e-12)
    np.testing.assert_allclose(osc.jit(osc.hessian(piecewise))(x), want, rtol=1e-12)
    np.testing.assert_allclose(fd_hessian(piecewise, x), want, rtol=1e-6, atol=1e-8)
    staged = osc.jit(piecewise)
    assert float(staged(x)) == pytest.approx(float(piecewise(x)), rel=1e-15)
    assert float(staged(-x)) == pytest.approx(float(piecewise(-x)), rel=1e-15)  # the other branch, replayed
    assert staged.cache_size() == 1 and "switch" in staged_ops(piecewise, x)


def test_cond_under_vmap_with_mixed_predicates():
    X = np.array([[0.5, 0.2, 0.1], [-0.5, -0.2, 0.1], [0.3, -0.9, 0.2]])
    want_v = [float(piecewise(x)) for x in X]
    want_H = [piecewise_hessian(x) for x in X]
    np.testing.assert_allclose(osc.vmap(piecewise)(X), want_v, rtol=1e-15)
    np.testing.assert_allclose(osc.vmap(osc.hessian(piecewise))(X), want_H, rtol=1e-12)
    np.testing.assert_allclose(osc.jit(osc.vmap(osc.hessian(piecewise)))(X), want_H, rtol=1e-12)
    np.testing.assert_allclose(osc.jit(osc.vmap(piecewise))(X[::-1]), want_v[::-1], rtol=1e-15)
    np.testing.assert_allclose(osc.hessian(lambda z: np.sum(osc.vmap(piecewise)(z.reshape(3, 3))))(X.ravel()),
                               _block_diag(want_H), rtol=1e-12)


def _block_diag(blocks):
    n = sum(b.shape[0] for b in blocks)
    out, k = np.zeros((n, n)), 0
    for b in blocks:
        out[k:k + b.shape[0], k:k + b.shape[0]] = b
        k += b.shape[0]
    return out


def test_cond_pytrees_operands_and_truthiness():
    out = osc.cond(np.array(2.0), lambda a, b: {"s": a + b}, lambda a, b: {"s": a - b}, 1.0, 2.0)
    assert float(out["s"]) == 3.0
    assert float(osc.cond(0, lambda: 1.0, lambda: 2.0)) == 2.0


def test_switch_clamps_and_batches():
    fns = [lambda x: np.sin(x), lambda x: x ** 2, lambda x: np.exp(x)]
    x = 0.7
    for i, want in [(-3, np.sin(x)), (0, np.sin(x)), (1, x ** 2), (2, np.exp(x)), (9, np.exp(x))]:
        assert float(osc.switch(i, fns, x)) == pytest.approx(want, rel=1e-15)
        assert float(osc.grad(lambda z: osc.switch(i, fns, z))(x)) == pytest.approx(
            float(osc.grad(fns[min(max(i, 0), 2)])(x)), rel=1e-15)
    idx = np.array([-1, 1, 2, 7])
    want = [np.sin(x), x ** 2, np.exp(x), np.exp(x)]
    np.testing.assert_allclose(osc.vmap(lambda i: osc.switch(i, fns, x))(idx), want, rtol=1e-15)
    staged = osc.jit(lambda i, z: osc.switch(i, fns, z))
    for i, w in zip(idx, want):
        assert float(staged(i, x)) == pytest.approx(w, rel=1e-15)
    assert staged.cache_size() == 1
    with pytest.raises(TypeError, match="integer"):
        osc.switch(0.5, fns, x)


# --------------------------------------------------------------------------- fori_loop


def test_fori_loop_static_and_traced_bounds():
    body = lambda i, c: c * 1.5 + i  # noqa: E731
    want = 1.0
    for i in range(2, 6):
        want = want * 1.5 + i
    assert float(osc.fori_loop(2, 6, body, 1.0)) == want
    staged = osc.jit(lambda n, c: osc.fori_loop(2, n, body, c))
    assert float(staged(np.array(6), 1.0)) == want
    assert float(staged(np.array(3), 1.0)) == 1.0 * 1.5 + 2
    assert staged.cache_size() == 1 and "while" in staged_ops(lambda n, c: osc.fori_loop(2, n, body, c), np.array(6), 1.0)
    np.testing.assert_allclose(osc.vmap(lambda n: osc.fori_loop(0, n, lambda i, c: c + i, 0))(np.array([0, 3, 5])),
                               [0, 3, 10])
    # a static loop whose body indexes with i
    x = np.arange(1.0, 5.0)
    g = osc.grad(lambda z: osc.fori_loop(0, 4, lambda i, c: c + z[i] ** 2 * i, 0.0))(x)
    np.testing.assert_allclose(g, 2 * x * np.arange(4))


# --------------------------------------------------------------------------- staging details


def test_a_loop_whose_first_decisions_are_constant_still_stages_once():
    # the state starts as constants, so the first test is decided at staging time; from
    # the second on it depends on `a`: the rest of the loop is one node, for any trip count
    def decay_sum(a):
        return osc.while_loop(lambda c: c[1] > 1e-3, lambda c: (c[0] + c[1], c[1] * a), (0.0, 1.0))[0]

    staged = osc.jit(decay_sum)
    for a in (0.5, 0.99, 0.9):
        want = sum(a ** k for k in range(int(np.ceil(np.log(1e-3) / np.log(a)))))
        assert float(staged(a)) == pytest.approx(want, rel=1e-12)
    assert staged.cache_size() == 1 and "while" in staged_ops(decay_sum, 0.5)


def test_nested_loops_and_closures_stage_as_nodes():
    def f(a, n):
        def outer(c):
            i, acc = c
            inner = osc.while_loop(lambda y: y[0] < i, lambda y: (y[0] + 1, y[1] * a), (0, 1.0))[1]
            return i + 1, acc + inner
        return osc.while_loop(lambda c: c[0] < n, outer, (0, 0.0))[1]

    want = lambda a, n: sum(a ** i for i in range(n))  # noqa: E731
    staged = osc.jit(f)
    for a, n in [(2.0, 4), (0.5, 7), (3.0, 0)]:
        assert float(staged(a, n)) == pytest.approx(want(a, n), rel=1e-14)
    assert staged.cache_size() == 1 and staged_ops(f, 2.0, 4) == ["while"]
    assert float(osc.grad(f)(2.0, 4)) == pytest.approx(1 + 2 * 2 + 3 * 4, rel=1e-14)


def test_a_branch_that_fails_where_it_is_not_taken_is_not_run():
    # staging the untaken branch at these values would hit a singular solve: the
    # construct is then staged along the path taken, with a guard
    def f(A, b):
        return osc.cond(np.abs(np.linalg.det(A)) > 1e-12, lambda: np.linalg.solve(A, b), lambda: b, )

    staged = osc.jit(f)
    singular, regular = np.zeros((2, 2)), np.array([[2.0, 0.0], [0.0, 4.0]])
    b = np.array([1.0, 1.0])
    np.testing.assert_array_equal(staged(singular, b), b)
    np.testing.assert_allclose(staged(regular, b), [0.5, 0.25])
    np.testing.assert_array_equal(staged(singular, b), b)
    with pytest.raises(np.linalg.LinAlgError):  # a real error on the path taken is still raised
        osc.jit(lambda A, b: osc.cond(True, lambda: np.linalg.solve(A, b), lambda: b))(singular, b)


def test_what_a_body_computes_from_closed_over_values_stays_in_the_body():
    def f(a, n):
        def body(c):
            i, acc = c
            inner = osc.cond(i > 100, lambda: np.linalg.inv(a), lambda: a)  # never taken
            return i + 1, acc + inner
        return osc.while_loop(lambda c: c[0] < n, body, (0, np.zeros((2, 2))))[1]

    staged = osc.jit(f)
    singular = np.zeros((2, 2))
    np.testing.assert_array_equal(staged(singular, 3), singular)
    np.testing.assert_array_equal(staged(np.eye(2), 3), 3 * np.eye(2))
    np.testing.assert_array_equal(staged(singular, 0), singular)
    program = staged.program(singular, 3)
    assert [e.prim.name for e in program.eqns] == ["while"]  # inv is inside a branch, inside the body
    assert "inv" in str(program)


def test_body_mixing_staged_and_differentiated_values_is_guarded():
    # the body closes over a value of grad inside jit: the loop is staged with guards
    def f(a):
        return osc.while_loop(lambda x: x < a, lambda x: x + a * 0.25, 0.0)

    g = osc.jit(osc.grad(lambda a: f(a) * a))
    for a in [1.0, 2.0, 0.5]:
        assert float(g(a)) == pytest.approx(2 * a, rel=1e-14)  # f(a) = a: four steps of a/4


# --------------------------------------------------------------------------- sparsity


def test_sparsity_is_the_union_over_branches_and_iterations():
    def two_ways(x):
        return np.sum(osc.cond(x[0] > 0, lambda y: y[:3] * y[1:4], lambda y: y[3:] ** 2, x))

    P = osc.hessian_sparsity(two_ways, np.zeros(6)).toarray()
    want = np.zeros((6, 6), bool)
    for i in range(3):
        want[i, i + 1] = want[i + 1, i] = True
    want[[3, 4, 5], [3, 4, 5]] = True
    np.testing.assert_array_equal(P, want)

    def spread(x):  # each pass couples a neighbour more; the count depends on the values
        y = osc.while_loop(lambda y: np.sum(y) > 10.0, lambda y: y * (1 + 0.01 * np.roll(y, 1)), x)
        return np.sum(y ** 2)

    P = osc.hessian_sparsity(spread, np.zeros(8)).toarray()
    assert P.all()  # the union over every trip count couples everything
    local = osc.hessian_sparsity(spread, np.full(8, 0.5), mode="local").toarray()
    np.testing.assert_array_equal(local, np.eye(8, dtype=bool))  # here the loop does not run

    def banded(x):  # a static count: the pattern of exactly two passes (a band of width 2)
        return np.sum(osc.fori_loop(0, 2, lambda i, y: y + y[np.r_[1:8, 7]] ** 2, x) ** 2)

    P = osc.hessian_sparsity(banded, np.zeros(8)).toarray()
    H = osc.hessian(banded)(RNG.uniform(0.1, 0.5, 8))
    assert (P | (H == 0)).all() and P[0, 2] and not P[0, 3]


# --------------------------------------------------------------------------- errors


def test_bad_bodies_get_clear_errors():
    with pytest.raises(TypeError, match="leaf #0 changed from shape"):
        osc.while_loop(lambda x: x[0] < 3, lambda x: np.append(x, 1.0), np.zeros(1))
    with pytest.raises(TypeError, match="start a float counter at 0.0"):
        osc.while_loop(lambda i: i < 3, lambda i: i + 0.5, 0)
    with pytest.raises(TypeError, match="structure"):
        osc.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1,), (0, 1.0))
    with pytest.raises(TypeError, match="scalar"):
        osc.while_loop(lambda x: x < 3, lambda x: x + 1, np.zeros(2))
    with pytest.raises(TypeError, match="boolean or a number"):  # Python would loop for ever on "yes"
        osc.while_loop(lambda x: "yes", lambda x: x, 0.0)
    with pytest.raises(TypeError, match="index must be an integer"):
        osc.switch("1", [np.sin], 0.0)
    with pytest.raises(TypeError, match="branch 0 and branch 1"):
        osc.vmap(lambda p: osc.cond(p, lambda: np.zeros(2), lambda: np.zeros(3)))(np.array([True, False]))
    with pytest.raises(ValueError, match="different leading lengths"):
        osc.scan(lambda c, x: (c, x), 0.0, {"a": np.ones(3), "b": np.ones(4)})
    with pytest.raises(ValueError, match="length="):
        osc.scan(lambda c, x: (c, x), 0.0, None)
    with pytest.raises(ValueError, match="disagree"):
        osc.scan(lambda c, x: (c, x), 0.0, np.ones(3), length=4)
    with pytest.raises(TypeError, match="checkpoint=False"):
        osc.grad(lambda p: osc.scan(lambda c, x: (c * p if c > 0 else c, x), p, np.ones(3), checkpoint=True)[0])(1.0)
    with pytest.raises(TypeError, match="pair"):
        osc.scan(lambda c, x: c, 0.0, np.ones(2))
    with pytest.raises(TypeError, match="functions"):
        osc.cond(True, 1.0, 2.0)
    with pytest.raises(TypeError, match="integers"):
        osc.fori_loop(0.0, 3, lambda i, c: c, 0.0)


def test_staged_node_primitives_are_never_traced():
    for prim in (control.while_p, control.switch_p, control.scan_p):
        assert not prim.rules and "never traced" in prim.missing["jvp"]


def test_python_control_flow_errors_name_the_operators():
    def python_if(x):
        return np.sum(x ** 2) if np.sum(x) > 0 else np.sum(x)

    x = np.ones(3)
    for run in (lambda: osc.jit(python_if)(x), lambda: osc.vmap(python_if)(np.ones((2, 3))),
                lambda: osc.hessian_sparsity(python_if, x)):
        with pytest.raises(osc.ConcretizationError, match="osc.cond"):
            run()
