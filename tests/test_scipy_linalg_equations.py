"""The matrix equations and structured solves of ``osculate.scipy.linalg``:
``solve_sylvester``, ``solve_continuous_lyapunov`` (``solve_lyapunov``),
``solve_discrete_lyapunov``, ``solve_continuous_are``, ``solve_discrete_are``,
``solve_banded``, ``solveh_banded``, ``cholesky_banded``, ``cho_solve_banded``,
``solve_toeplitz`` and ``matmul_toeplitz``.

Values against SciPy's own functions (real and complex input, stacks);
gradients (reverse mode) and Hessians (every HVP nesting) of scalar
functions of the results against Richardson-extrapolated central
differences of SciPy's functions, to 1e-6 relative; complex tangents and
cotangents against finite differences and against each other (the engine's
pairing ``Re(sum(c * t))``); the scale the solvers are for (a 60 × 60
Sylvester equation, a tridiagonal system of 10⁵ unknowns, in bounded
memory); the errors.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest
import scipy.linalg as sla

import osculate as osc
import osculate.numpy as osc_np
import osculate.scipy.linalg as la
from osculate.testing import check_grads


@pytest.fixture
def r():
    return np.random.default_rng(20261207)


def close(a, b, rtol=1e-12, atol=1e-12):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def _pack(args):
    sizes = [a.size for a in args]
    bounds = np.cumsum([0] + sizes)

    def unpack(z):
        return [np.reshape(z[lo:hi], a.shape) for lo, hi, a in zip(bounds[:-1], bounds[1:], args)]

    return np.concatenate([np.ravel(a) for a in args]), unpack


def _richardson(at, h):
    """First and second derivatives at 0 of the (array-valued) ``at(t)``, by
    central differences at ``h`` and ``h / 2`` extrapolated (error O(h⁴))."""
    f0 = at(0.0)
    d1 = lambda s: (at(s) - at(-s)) / (2 * s)  # noqa: E731
    d2 = lambda s: (at(s) - 2 * f0 + at(-s)) / s ** 2  # noqa: E731
    return (4 * d1(h / 2) - d1(h)) / 3, (4 * d2(h / 2) - d2(h)) / 3


def against_scipy(ours, theirs, args, r, h=1e-3, rtol=1e-6, hvp_modes=osc.HVP_MODES):
    """The gradient and the Hessian (every HVP nesting) of ``sum(w * ours(*args))``
    along a random direction ``v`` (``∇f · v`` and ``vᵀ H v``) against the
    extrapolated differences of ``sum(w * theirs(*args))``, and each ``H v``
    against central differences of the gradient."""
    z, unpack = _pack(args)
    w = r.standard_normal(np.shape(theirs(*args)))
    f = lambda x: np.sum(w * ours(*unpack(x)))  # noqa: E731
    v = r.standard_normal(z.shape)
    fd1, fd2 = _richardson(lambda t: np.sum(w * theirs(*unpack(z + t * v))), h)
    g = osc.grad(f)(z)
    assert abs(g @ v - fd1) <= rtol * max(abs(fd1), 1.0), (g @ v, fd1)
    gfd = _richardson(lambda t: osc.grad(f)(z + t * v), h)[0]
    for mode in hvp_modes:
        hv = osc.hvp(f, z, v, mode=mode)
        assert abs(v @ hv - fd2) <= rtol * max(abs(fd2), 1.0), (mode, v @ hv, fd2)
        close(hv, gfd, rtol=rtol, atol=rtol * np.max(np.abs(gfd)))


def pairing_holds(f, args, r):
    """Forward and reverse mode agree under the pairing ``Re(sum(c * t))`` for
    complex input, and the tangent matches central differences of ``f``."""
    ts = [r.standard_normal(np.shape(a)) + (1j * r.standard_normal(np.shape(a)) if np.iscomplexobj(a) else 0)
          for a in args]
    out, t = osc.jvp(f, tuple(args), tuple(ts))
    fd = _richardson(lambda s: f(*[a + s * d for a, d in zip(args, ts)]), 1e-3)[0]
    close(t, fd, rtol=1e-7, atol=1e-8 * np.max(np.abs(fd)))
    c = r.standard_normal(np.shape(out)) + 1j * r.standard_normal(np.shape(out))
    c = c if np.iscomplexobj(out) else c.real
    cts = osc.vjp(f, *args)[1](c)
    lhs = np.real(np.sum(c * t))
    rhs = sum(np.real(np.sum(ci * ti)) for ci, ti in zip(cts, ts))
    assert abs(lhs - rhs) <= 1e-10 * max(1.0, abs(lhs)), (lhs, rhs)


def cn(r, *shape):
    return r.standard_normal(shape) + 1j * r.standard_normal(shape)


# --------------------------------------------------------------------------- Sylvester and Lyapunov


def test_sylvester_values(r):
    a, b, q = r.standard_normal((5, 5)), r.standard_normal((3, 3)), r.standard_normal((5, 3))
    close(la.solve_sylvester(a, b, q), sla.solve_sylvester(a, b, q))
    ac, bc, qc = cn(r, 5, 5), cn(r, 3, 3), cn(r, 5, 3)
    close(la.solve_sylvester(ac, bc, qc), sla.solve_sylvester(ac, bc, qc))
    # SciPy 1.17.1 solves a complex a with a real b wrongly; osculate casts them to one dtype first
    x = la.solve_sylvester(ac, b, q)
    close(ac @ x + x @ b, q, atol=1e-12)
    close(x, sla.solve_sylvester(ac, b + 0j, q + 0j))
    x = la.solve_sylvester(a, b, qc)  # a complex right-hand side alone
    close(a @ x + x @ b, qc, atol=1e-12)
    # stacks, as SciPy's batched solve_sylvester
    a3, q3 = r.standard_normal((2, 5, 5)), r.standard_normal((2, 5, 3))
    close(la.solve_sylvester(a3, b, q3), sla.solve_sylvester(a3, b, q3))


def test_lyapunov_values(r):
    a, q = r.standard_normal((4, 4)), r.standard_normal((4, 4))
    ac, qc = cn(r, 4, 4), cn(r, 4, 4)
    # (a real a with a complex q is cast to complex first: SciPy 1.17.1's continuous solver and its bilinear
    # discrete one answer that case wrongly, with residuals of order 1; the cast makes it the (ac, qc) case)
    for m, p in ((a, q), (ac, qc), (ac, q), (a, qc)):
        cast = m + 0j if np.iscomplexobj(p) else m
        x = la.solve_continuous_lyapunov(m, p)
        close(m @ x + x @ m.conj().T, p, atol=1e-12)
        close(x, sla.solve_continuous_lyapunov(cast, p), rtol=1e-10, atol=1e-12)
        close(la.solve_lyapunov(m, p), x)
        for method in (None, "direct", "bilinear"):
            x = la.solve_discrete_lyapunov(0.3 * m, p, method=method)
            close(x - 0.09 * m @ x @ m.conj().T, p, atol=1e-12)
            close(x, sla.solve_discrete_lyapunov(0.3 * cast, p, method=method), rtol=1e-12, atol=1e-12)
    assert la.solve_lyapunov is la.solve_continuous_lyapunov
    big = 0.05 * r.standard_normal((12, 12))  # SciPy's default method changes at 10
    close(la.solve_discrete_lyapunov(big, np.eye(12)), sla.solve_discrete_lyapunov(big, np.eye(12)))


def test_sylvester_and_lyapunov_derivatives_against_scipy(r):
    a = r.standard_normal((4, 4)) - 3.0 * np.eye(4)
    b, q = r.standard_normal((3, 3)), r.standard_normal((4, 3))
    against_scipy(la.solve_sylvester, sla.solve_sylvester, (a, b, q), r)
    q4 = r.standard_normal((4, 4))
    against_scipy(la.solve_continuous_lyapunov, sla.solve_continuous_lyapunov, (a, q4), r)
    a3 = 0.3 * r.standard_normal((4, 4))
    against_scipy(la.solve_discrete_lyapunov, sla.solve_discrete_lyapunov, (a3, q4), r)
    against_scipy(lambda m, p: la.solve_discrete_lyapunov(m, p, method="bilinear"),
                  lambda m, p: sla.solve_discrete_lyapunov(m, p, method="bilinear"), (a3, q4), r)
    # the tangent solves the differentiated equation: a dX + dX b = dq - da X - X db
    da, db = r.standard_normal((4, 4)), r.standard_normal((3, 3))
    x, dx = osc.jvp(la.solve_sylvester, (a, b, q), (da, db, np.zeros_like(q)))
    close(dx, sla.solve_sylvester(a, b, -da @ x - x @ db))
    # third order through nested forward mode, against differences of the second
    v = r.standard_normal((4, 4))
    d2 = lambda t: osc.jvp(lambda s: osc.jvp(lambda u: np.sum(la.solve_continuous_lyapunov(a + u * v, q4) ** 2),  # noqa: E731
                                             (s,), (1.0,))[1], (t,), (1.0,))[1]
    d3 = osc.jvp(d2, (0.0,), (1.0,))[1]
    close(d3, _richardson(d2, 1e-3)[0], rtol=1e-6)


def test_complex_equations_pair_and_match_differences(r):
    a, b, q = cn(r, 3, 3), cn(r, 2, 2), cn(r, 3, 2)
    pairing_holds(la.solve_sylvester, [a, b, q], r)
    pairing_holds(la.solve_sylvester, [a, b.real, q.real], r)  # mixed real and complex input
    pairing_holds(la.solve_continuous_lyapunov, [a, cn(r, 3, 3)], r)
    pairing_holds(la.solve_discrete_lyapunov, [0.3 * a, cn(r, 3, 3)], r)
    pairing_holds(la.solve_discrete_lyapunov, [0.3 * a.real, cn(r, 3, 3)], r)
    check_grads(lambda m, p: np.real(np.sum(la.solve_continuous_lyapunov(m, p) * np.conj(p))), (a, cn(r, 3, 3)),
                order=2)


def test_sylvester_at_scale(r):
    """60 × 60 (3600 unknowns, above the old dense limit of 1600): the gradient
    against differences of SciPy's solve, in a fraction of a second and without
    anything of the size of the Kronecker system (3600² doubles)."""
    n = 60
    a = r.standard_normal((n, n)) / np.sqrt(n) - 2.0 * np.eye(n)
    b = r.standard_normal((n, n)) / np.sqrt(n) - 2.0 * np.eye(n)
    q, w = r.standard_normal((n, n)), r.standard_normal((n, n))
    f = lambda x, y, z: np.sum(w * la.solve_sylvester(x, y, z))  # noqa: E731
    f(a, b, q)
    tracemalloc.start()
    t0 = time.perf_counter()
    ga, gb, gq = osc.grad(f, argnums=(0, 1, 2))(a, b, q)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < (n * n) ** 2 * 8 / 20, peak  # the dense system alone would be 104 MB
    assert elapsed < 1.0, elapsed  # about 0.01 s on an idle machine
    va, vb, vq = (r.standard_normal((n, n)) for _ in range(3))
    fd = _richardson(lambda t: np.sum(w * sla.solve_sylvester(a + t * va, b + t * vb, q + t * vq)), 1e-3)[0]
    ad = np.sum(ga * va) + np.sum(gb * vb) + np.sum(gq * vq)
    assert abs(ad - fd) <= 1e-6 * abs(fd), (ad, fd)
    close(la.solve_sylvester(a, b, q), sla.solve_sylvester(a, b, q))


def test_equations_under_vmap_and_jit(r):
    a, b, q = r.standard_normal((3, 3)) - 3.0 * np.eye(3), r.standard_normal((2, 2)), r.standard_normal((3, 2))
    stack = np.stack([a, a + 0.1 * r.standard_normal((3, 3))])
    close(osc.vmap(lambda m: la.solve_sylvester(m, b, q))(stack), [sla.solve_sylvester(m, b, q) for m in stack])
    qs = np.stack([q, 2.0 * q])
    close(osc.vmap(lambda p: la.solve_sylvester(a, b, p))(qs), [sla.solve_sylvester(a, b, p) for p in qs])
    close(osc.jit(lambda m: la.solve_discrete_lyapunov(0.3 * m, q @ q.T))(a),
          sla.solve_discrete_lyapunov(0.3 * a, q @ q.T))
    g = osc.jit(osc.grad(lambda m: np.sum(la.solve_continuous_lyapunov(m, np.eye(3)) ** 2)))(a)
    close(g, osc.grad(lambda m: np.sum(la.solve_continuous_lyapunov(m, np.eye(3)) ** 2))(a))


def test_equation_errors(r):
    a = r.standard_normal((3, 3))
    with pytest.raises(ValueError, match="a must be a square matrix"):
        la.solve_sylvester(np.ones((3, 2)), np.eye(2), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"q must have shape \(\.\.\., 3, 2\)"):
        la.solve_sylvester(a, np.eye(2), np.ones((2, 3)))
    with pytest.raises(np.linalg.LinAlgError, match="common"):
        la.solve_sylvester(np.eye(2), -np.eye(2), np.eye(2))
    with pytest.raises(np.linalg.LinAlgError, match="common"):  # also when differentiating
        osc.grad(lambda m: np.sum(la.solve_continuous_lyapunov(m, np.eye(2))))(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="square"):
        la.solve_continuous_lyapunov(np.ones((2, 3)), np.eye(2))
    with pytest.raises(ValueError, match="q must have shape"):
        la.solve_discrete_lyapunov(a, np.eye(2))
    with pytest.raises(np.linalg.LinAlgError, match="no unique solution"):
        la.solve_discrete_lyapunov(np.eye(2), np.eye(2))
    with pytest.raises(np.linalg.LinAlgError, match="no unique solution"):
        la.solve_discrete_lyapunov(np.eye(12), np.eye(12))  # SciPy's bilinear method only warns
    with pytest.raises(ValueError, match="Unknown solver"):
        la.solve_discrete_lyapunov(a, a, method="schur")


# --------------------------------------------------------------------------- algebraic Riccati equations


def _spd(m, shift=1.0):
    return m @ m.conj().T + shift * np.eye(m.shape[0])


def test_riccati_values(r):
    # the double integrator: X = [[√3, 1], [1, √3]] for q = I, r = 1
    a, b = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[0.0], [1.0]])
    x = la.solve_continuous_are(a, b, np.eye(2), np.eye(1))
    close(x, [[np.sqrt(3.0), 1.0], [1.0, np.sqrt(3.0)]], rtol=1e-12)
    close(x, sla.solve_continuous_are(a, b, np.eye(2), np.eye(1)))
    close(la.solve_discrete_are(np.eye(2) + a, b, np.eye(2), np.eye(1)),
          sla.solve_discrete_are(np.eye(2) + a, b, np.eye(2), np.eye(1)))
    for cplx in (False, True):
        a, b = r.standard_normal((4, 4)), r.standard_normal((4, 2))
        q, rr = _spd(r.standard_normal((4, 4))), _spd(r.standard_normal((2, 2)))
        if cplx:
            a, b, q = a + 1j * r.standard_normal((4, 4)), b + 1j * r.standard_normal((4, 2)), _spd(cn(r, 4, 4))
        for ours, theirs in ((la.solve_continuous_are, sla.solve_continuous_are),
                             (la.solve_discrete_are, sla.solve_discrete_are)):
            close(ours(a, b, q, rr), theirs(a, b, q, rr))
            close(ours(a, b, q, rr, balanced=False), theirs(a, b, q, rr, balanced=False))
    # scalars, as np.atleast_2d makes them
    close(la.solve_continuous_are(0.0, 1.0, 4.0, 1.0), [[2.0]])


def test_riccati_derivatives_against_scipy(r):
    # a small controllable system (the double integrator) and a random one
    a0, b0 = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[0.0], [1.0]])
    systems = [(a0, b0, np.eye(2), np.eye(1)),
               (r.standard_normal((3, 3)), r.standard_normal((3, 2)), r.standard_normal((3, 3)),
                r.standard_normal((2, 2)))]
    for ours, theirs in ((la.solve_continuous_are, sla.solve_continuous_are),
                         (la.solve_discrete_are, sla.solve_discrete_are)):
        for a, b, m, s in systems:
            # q and r enter through factors, so that every perturbation keeps them symmetric
            against_scipy(lambda x, y, z, t: ours(x, y, _spd(z), _spd(t)),
                          lambda x, y, z, t: theirs(x, y, _spd(z), _spd(t)), (a, b, m, s), r)
    # the derivative in q of the scalar CARE x² = q is 1 / (2 √q), its second derivative -1 / (4 q^1.5)
    f = lambda q: la.solve_continuous_are(0.0, 1.0, q, 1.0)[0, 0]  # noqa: E731
    close(osc.grad(f)(4.0), 0.25)
    close(osc.grad(osc.grad(f))(4.0), -1.0 / 32.0)


def test_riccati_complex(r):
    a, b = cn(r, 3, 3), cn(r, 3, 2)
    q, rr = _spd(cn(r, 3, 3)), _spd(r.standard_normal((2, 2)))
    for fn in (la.solve_continuous_are, la.solve_discrete_are):
        pairing_holds(lambda x, y: fn(x, y, q, rr), [a, b], r)
        pairing_holds(lambda x, y: fn(x, y, q, rr), [a.real, b.real], r)


def test_riccati_residual_derivative_vanishes(r):
    """d/dt of the Riccati residual along any direction is 0: the tangent solves the
    differentiated equation."""
    a, b = r.standard_normal((3, 3)), r.standard_normal((3, 1))
    q, rr = _spd(r.standard_normal((3, 3))), np.array([[2.0]])
    da, db = r.standard_normal((3, 3)), r.standard_normal((3, 1))

    def care_residual(t):
        A, B = a + t * da, b + t * db
        X = la.solve_continuous_are(A, B, q, rr)
        return A.T @ X + X @ A - X @ B @ np.linalg.solve(rr, B.T @ X) + q

    def dare_residual(t):
        A, B = a + t * da, b + t * db
        X = la.solve_discrete_are(A, B, q, rr)
        return A.T @ X @ A - X - A.T @ X @ B @ np.linalg.solve(rr + B.T @ X @ B, B.T @ X @ A) + q

    for res in (care_residual, dare_residual):
        close(osc.jvp(res, (0.0,), (1.0,))[1], np.zeros((3, 3)), atol=1e-9)
        close(osc.jvp(lambda t: osc.jvp(res, (t,), (1.0,))[1], (0.0,), (1.0,))[1], np.zeros((3, 3)), atol=1e-8)


def test_riccati_errors(r):
    a, b, q, rr = np.eye(2), np.ones((2, 1)), np.eye(2), np.eye(1)
    for fn in (la.solve_continuous_are, la.solve_discrete_are):
        with pytest.raises(NotImplementedError, match="generalized"):
            fn(a, b, q, rr, e=np.eye(2))
        with pytest.raises(NotImplementedError, match="generalized"):
            fn(a, b, q, rr, s=np.ones((2, 1)))
        with pytest.raises(ValueError, match="same number of rows"):
            fn(a, np.ones((3, 1)), q, rr)
        with pytest.raises(ValueError, match="columns"):
            fn(a, b, q, np.eye(2))
        with pytest.raises(ValueError, match="q must be a square matrix"):
            fn(a, b, np.ones((2, 3)), rr)
        with pytest.raises(ValueError, match="symmetric"):  # SciPy's own check
            fn(a, b, np.array([[1.0, 2.0], [0.0, 1.0]]), rr)
    with pytest.raises(ValueError, match="singular"):
        la.solve_continuous_are(a, b, q, np.zeros((1, 1)))


# --------------------------------------------------------------------------- banded systems


def _band_of(m, l, u):
    n = m.shape[0]
    ab = np.zeros((l + u + 1, n), dtype=m.dtype)
    for i in range(n):
        for j in range(max(0, i - l), min(n, i + u + 1)):
            ab[u + i - j, j] = m[i, j]
    return ab


def _banded(r, n, l, u, cplx=False):
    m = r.standard_normal((n, n)) + (1j * r.standard_normal((n, n)) if cplx else 0) + 4.0 * np.eye(n)
    return np.triu(np.tril(m, u), -l)


def _hpd_band(r, n, k, lower, cplx=False):
    m = r.standard_normal((n, n)) + (1j * r.standard_normal((n, n)) if cplx else 0)
    h = np.triu(np.tril(m @ m.conj().T, k), -k) + 3.0 * k * n * np.eye(n)
    return _band_of(np.tril(h), k, 0) if lower else _band_of(np.triu(h), 0, k)


def test_banded_values(r):
    for cplx in (False, True):
        for l, u in ((1, 1), (2, 0), (0, 3), (2, 1)):
            ab = _band_of(_banded(r, 7, l, u, cplx), l, u)
            for b in (r.standard_normal(7), r.standard_normal((7, 3)), cn(r, 7, 2)):
                close(la.solve_banded((l, u), ab, b), sla.solve_banded((l, u), ab, b))
        for k in (0, 1, 3):
            for lower in (False, True):
                ab = _hpd_band(r, 7, k, lower, cplx)
                b = r.standard_normal((7, 2))
                close(la.solveh_banded(ab, b, lower=lower), sla.solveh_banded(ab, b, lower=lower))
                cb = la.cholesky_banded(ab, lower=lower)
                close(cb, sla.cholesky_banded(ab, lower=lower))
                close(la.cho_solve_banded((cb, lower), b), sla.cho_solve_banded((cb, lower), b))
    # a stack of bands, as SciPy's batched solve_banded
    abs_ = np.stack([_band_of(_banded(r, 5, 1, 1), 1, 1) for _ in range(2)])
    b = r.standard_normal(5)
    close(la.solve_banded((1, 1), abs_, b), sla.solve_banded((1, 1), abs_, b))


@pytest.mark.parametrize("l, u", [(1, 1), (2, 0), (0, 2), (1, 2)])
def test_solve_banded_derivatives_against_scipy(r, l, u):
    ab = _band_of(_banded(r, 6, l, u), l, u)
    b = r.standard_normal((6, 2))
    against_scipy(lambda m, v: la.solve_banded((l, u), m, v), lambda m, v: sla.solve_banded((l, u), m, v),
                  (ab, b), r)


@pytest.mark.parametrize("k", [1, 2])
@pytest.mark.parametrize("lower", [False, True])
def test_hermitian_banded_derivatives_against_scipy(r, k, lower):
    ab, b = _hpd_band(r, 6, k, lower), r.standard_normal(6)
    against_scipy(lambda m, v: la.solveh_banded(m, v, lower=lower),
                  lambda m, v: sla.solveh_banded(m, v, lower=lower), (ab, b), r)
    against_scipy(lambda m: la.cholesky_banded(m, lower=lower), lambda m: sla.cholesky_banded(m, lower=lower),
                  (ab,), r)
    cb = sla.cholesky_banded(ab, lower=lower)
    against_scipy(lambda c, v: la.cho_solve_banded((c, lower), v),
                  lambda c, v: sla.cho_solve_banded((c, lower), v), (cb, b), r)


def test_cholesky_banded_tangent_reproduces_the_matrix(r):
    """The factor's tangent reproduces the matrix's: d(Uᵀ U) (d(L Lᵀ)) is dA on the band."""
    for lower in (False, True):
        ab = _hpd_band(r, 8, 2, lower)
        dab = r.standard_normal(ab.shape)
        cb, dcb = osc.jvp(lambda m: la.cholesky_banded(m, lower=lower), (ab,), (dab,))
        n = ab.shape[1]

        def dense(band):  # the triangular matrix of a band of two off-diagonals
            out = np.zeros((n, n))
            for rr in range(3):
                for j in range(n):
                    i = (j + rr) if lower else (j + rr - 2)
                    if 0 <= i < n:
                        out[i, j] = band[rr, j]
            return out
        F, dF = dense(cb), dense(dcb)
        dA = dF @ F.T + F @ dF.T if lower else dF.T @ F + F.T @ dF
        A_band_tangent = _band_of(np.tril(dA), 2, 0) if lower else _band_of(np.triu(dA), 0, 2)
        inside = dense(np.ones_like(ab)) != 0
        close(dense(A_band_tangent)[inside], dense(dab)[inside], atol=1e-12)


def test_complex_banded_pair_and_match_differences(r):
    ab = _band_of(_banded(r, 5, 1, 2, cplx=True), 1, 2)
    pairing_holds(lambda m, v: la.solve_banded((1, 2), m, v), [ab, cn(r, 5, 2)], r)
    pairing_holds(lambda m, v: la.solve_banded((1, 2), m, v), [ab.real, cn(r, 5)], r)
    for lower in (False, True):
        hb = _hpd_band(r, 5, 2, lower, cplx=True)
        pairing_holds(lambda m, v: la.solveh_banded(m, v, lower=lower), [hb, cn(r, 5, 2)], r)
        cb = sla.cholesky_banded(hb, lower=lower)
        pairing_holds(lambda c, v: la.cho_solve_banded((c, lower), v), [cb, cn(r, 5)], r)
    with pytest.raises(NotImplementedError, match="complex"):
        osc.jvp(la.cholesky_banded, (_hpd_band(r, 4, 1, False, cplx=True),),
                (_hpd_band(r, 4, 1, False, cplx=True),))


def test_banded_at_scale_stays_linear_in_memory(r):
    """A tridiagonal system of 10⁵ unknowns: the gradient in the band and the
    right-hand side, and a Hessian-vector product, never form an n × n array."""
    n = 100_000
    ab = np.vstack([r.standard_normal(n), 4.0 + r.random(n), r.standard_normal(n)])
    b = r.standard_normal(n)
    f = lambda m, v: np.sum(la.solve_banded((1, 1), m, v) ** 2)  # noqa: E731
    osc.grad(f)(ab, b)
    tracemalloc.start()
    gab, gb = osc.grad(f, argnums=(0, 1))(ab, b)
    hv = osc.hvp(lambda v: f(ab, v), b, b)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100 * n * 8, peak  # a few band-sized arrays; n² · 8 bytes would be 80 GB
    # spot checks on a small leading block are not exact (the solve couples everything): check
    # the gradient along one direction against differences of SciPy's solve instead
    v = r.standard_normal(n)
    fd = _richardson(lambda t: np.sum(sla.solve_banded((1, 1), ab, b + t * v) ** 2), 1e-3)[0]
    assert abs(gb @ v - fd) <= 1e-6 * abs(fd)
    vab = np.zeros_like(ab)
    vab[:, :: 1000] = r.standard_normal((3, n // 1000))
    fd = _richardson(lambda t: np.sum(sla.solve_banded((1, 1), ab + t * vab, b) ** 2), 1e-3)[0]
    assert abs(np.sum(gab * vab) - fd) <= 1e-6 * abs(fd)
    x = sla.solve_banded((1, 1), ab, b)
    close(hv, 2.0 * sla.solve_banded((1, 1), _band_of_transpose(ab), sla.solve_banded((1, 1), ab, b)),
          rtol=1e-10, atol=1e-10 * np.max(np.abs(x)))
    hb = np.vstack([-np.ones(n), 4.0 + r.random(n)])
    tracemalloc.start()
    osc.grad(lambda m: np.sum(la.cho_solve_banded((la.cholesky_banded(m), False), b) ** 2))(hb)
    osc.grad(lambda m: np.sum(la.solveh_banded(m, b) ** 2))(hb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100 * n * 8, peak


def _band_of_transpose(ab):
    """The (1, 1) band of Aᵀ from that of A (tridiagonal)."""
    out = np.zeros_like(ab)
    out[0, 1:] = ab[2, :-1]
    out[1] = ab[1]
    out[2, :-1] = ab[0, 1:]
    return out


def test_banded_under_vmap_and_jit(r):
    ab = _band_of(_banded(r, 5, 1, 1), 1, 1)
    bs = r.standard_normal((3, 5))
    close(osc.vmap(lambda v: la.solve_banded((1, 1), ab, v))(bs), sla.solve_banded((1, 1), ab, bs.T).T)
    abs_ = np.stack([ab, ab + 0.1 * r.standard_normal(ab.shape)])
    close(osc.vmap(lambda m: la.solve_banded((1, 1), m, bs[0]))(abs_),
          [sla.solve_banded((1, 1), m, bs[0]) for m in abs_])
    hb = _hpd_band(r, 5, 1, False)
    close(osc.jit(lambda m: la.cholesky_banded(m))(hb), sla.cholesky_banded(hb))
    g = osc.jit(osc.grad(lambda m: np.sum(la.solveh_banded(m, bs[0]) ** 2)))(hb)
    close(g, osc.grad(lambda m: np.sum(la.solveh_banded(m, bs[0]) ** 2))(hb))


def test_banded_errors(r):
    ab = _band_of(_banded(r, 4, 1, 1), 1, 1)
    with pytest.raises(ValueError, match=r"l\+u\+1 \(3\) does not equal ab.shape\[0\] \(2\)"):
        la.solve_banded((1, 1), ab[:2], np.ones(4))
    with pytest.raises(ValueError, match="not compatible"):
        la.solve_banded((1, 1), ab, np.ones(5))
    with pytest.raises(ValueError, match="non-negative"):
        la.solve_banded((-1, 3), ab, np.ones(4))
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        la.solve_banded((1, 1), np.zeros((3, 4)), np.ones(4))
    with pytest.raises(np.linalg.LinAlgError, match="positive definite"):
        la.solveh_banded(-np.ones((2, 4)), np.ones(4))
    with pytest.raises(np.linalg.LinAlgError, match="positive definite"):
        la.cholesky_banded(-np.ones((2, 4)))
    with pytest.raises(ValueError, match="2-d band"):
        la.cholesky_banded(np.ones(4))
    with pytest.raises(ValueError, match="not compatible"):
        la.cho_solve_banded((np.ones((2, 4)), False), np.ones((3, 2)))


# --------------------------------------------------------------------------- Toeplitz


def _toeplitz_args(r, n, cplx=False):
    c, row = 0.4 * r.standard_normal(n), 0.4 * r.standard_normal(n)
    if cplx:
        c, row = c + 0.4j * r.standard_normal(n), row + 0.4j * r.standard_normal(n)
    c[0] = 3.0
    return c, row


def test_toeplitz_values(r):
    for cplx in (False, True):
        c, row = _toeplitz_args(r, 6, cplx)
        for b in (r.standard_normal(6), r.standard_normal((6, 2)), cn(r, 6)):
            close(la.solve_toeplitz((c, row), b), sla.solve_toeplitz((c, row), b))
            close(la.solve_toeplitz(c, b), sla.solve_toeplitz(c, b))
        for m in (6, 4, 9):  # rectangular T (6 × m)
            rr = np.concatenate([row, r.standard_normal(3)])[:m]
            x = r.standard_normal((m, 2))
            close(la.matmul_toeplitz((c, rr), x), sla.matmul_toeplitz((c, rr), x), atol=1e-13)
            close(la.matmul_toeplitz((c, rr), x[:, 0]), sla.matmul_toeplitz((c, rr), x[:, 0]), atol=1e-13)
        y = r.standard_normal(6)
        close(la.matmul_toeplitz(c, y), sla.matmul_toeplitz(c, y), atol=1e-13)


def test_toeplitz_derivatives_against_scipy(r):
    c, row = _toeplitz_args(r, 5)
    b = r.standard_normal((5, 2))
    against_scipy(lambda x, y, z: la.solve_toeplitz((x, y), z), lambda x, y, z: sla.solve_toeplitz((x, y), z),
                  (c, row, b), r)
    against_scipy(lambda x, z: la.solve_toeplitz(x, z), lambda x, z: sla.solve_toeplitz(x, z), (c, b[:, 0]), r)
    x = r.standard_normal((7, 2))
    rr = r.standard_normal(7)
    against_scipy(lambda p, q, z: la.matmul_toeplitz((p, q), z) ** 2,
                  lambda p, q, z: sla.matmul_toeplitz((p, q), z) ** 2, (c, rr, x), r)
    # r[0] is not read
    g = osc.grad(lambda y: np.sum(la.solve_toeplitz((c, y), b) ** 2))(row)
    assert g[0] == 0.0


def test_toeplitz_complex(r):
    c, row = _toeplitz_args(r, 5, cplx=True)
    pairing_holds(lambda x, y, z: la.solve_toeplitz((x, y), z), [c, row, cn(r, 5, 2)], r)
    pairing_holds(lambda x, y, z: la.solve_toeplitz((x, y), z), [c.real, row.real, cn(r, 5)], r)
    pairing_holds(lambda x, y, z: la.matmul_toeplitz((x, y), z), [c, row[:3], cn(r, 3, 2)], r)


def test_toeplitz_errors(r):
    c, row = _toeplitz_args(r, 4)
    with pytest.raises(ValueError, match="same length"):
        la.solve_toeplitz((c, row[:3]), np.ones(4))
    with pytest.raises(ValueError, match=r"b must be \(4,\) or \(4, k\)"):
        la.solve_toeplitz((c, row), np.ones(3))
    with pytest.raises(ValueError, match="c must be 1-d"):
        la.solve_toeplitz(np.ones((2, 2)), np.ones(2))
    with pytest.raises(ValueError, match=r"x must be \(3,\) or \(3, k\)"):
        la.matmul_toeplitz((c, row[:3]), np.ones(4))
    with pytest.raises(np.linalg.LinAlgError):
        la.solve_toeplitz((np.zeros(3), np.zeros(3)), np.ones(3))


@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("k", [1, 2])
def test_global_sparsity_detection_of_positive_definite_bands(lower, k):
    """Global detection runs each primitive on random stand-ins; the banded
    Cholesky solves get a diagonally dominant band (their ``stand_in`` rule),
    so detection works for any bandwidth and storage form, as local mode does."""
    from osculate.ad.core import PRIMITIVES

    n = 7

    def f(x):
        rows = [0.1 * osc_np.concatenate([osc_np.zeros(j), x[j:]]) for j in range(1, k + 1)]  # off-diagonals
        diag = 3.0 + x ** 2
        ab = osc_np.stack([diag] + rows) if lower else osc_np.stack(rows[::-1] + [diag])
        return (osc_np.sum(la.solveh_banded(ab, x, lower=lower) ** 2)
                + osc_np.sum(la.cholesky_banded(ab, lower=lower)))

    x = np.linspace(0.1, 0.9, n)
    glob = osc.hessian_sparsity(f, x, mode="global").toarray()
    assert (glob == osc.hessian_sparsity(f, x, mode="local").toarray()).all()
    assert glob.all()  # the inverse of a band is dense
    rule = PRIMITIVES["solveh_banded"].rules.pop("stand_in")
    try:  # the random stand-in alone is no positive definite band
        with pytest.raises(np.linalg.LinAlgError):
            osc.hessian_sparsity(f, x, mode="global")
    finally:
        PRIMITIVES["solveh_banded"].rules["stand_in"] = rule
