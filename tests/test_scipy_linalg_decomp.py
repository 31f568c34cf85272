"""``osculate.scipy.linalg``'s ``schur`` and ``rsf2csf`` against SciPy, with
their derivatives (second-order finite differences in both modes, on
functions that do not depend on the complex Schur vectors' phases) and their
errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl

import osculate as osc
from osculate.scipy import linalg as la
from osculate.testing import check_grads

RNG = np.random.default_rng(23)


def real_spectrum(n, values=None):
    q = np.linalg.qr(RNG.standard_normal((n, n)))[0] + 0.2 * RNG.standard_normal((n, n))
    w = np.arange(1.0, n + 1) if values is None else np.asarray(values, float)
    return q @ np.diag(w) @ np.linalg.inv(q)


def abs2(x):
    return np.real(x * np.conj(x))


# --------------------------------------------------------------------------- schur


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("output", ["real", "complex"])
def test_schur_values_are_scipys(n, output):
    a = real_spectrum(n, np.linspace(-2.0, 3.0, n))
    t, z = la.schur(osc.numpy.asarray(a) if n == 1 else a, output=output)
    rt, rz = sl.schur(a, output=output)
    np.testing.assert_array_equal(t, rt)
    np.testing.assert_array_equal(z, rz)
    # traced: the same values from the primitive
    (tt, tz), _ = osc.jvp(lambda m: la.schur(m, output=output), (a,), (np.ones_like(a),))
    np.testing.assert_array_equal(tt, rt)
    np.testing.assert_array_equal(tz, rz)


def test_schur_real_derivative_matches_scipy_differences():
    a = real_spectrum(4, [1.0, 2.0, 3.5, -1.0])
    v = RNG.standard_normal((4, 4))
    h = 1e-6
    fd = [(p - m) / (2 * h) for p, m in zip(sl.schur(a + h * v), sl.schur(a - h * v))]
    _, (dt, dz) = osc.jvp(la.schur, (a,), (v,))
    np.testing.assert_allclose(dt, fd[0], atol=1e-7)
    np.testing.assert_allclose(dz, fd[1], atol=1e-7)
    assert np.all(np.tril(dt, -1) == 0)  # T stays triangular
    t, z = sl.schur(a)
    np.testing.assert_allclose(z.T @ dz, -(z.T @ dz).T, atol=1e-12)  # Z stays orthogonal


def test_schur_real_second_order():
    a = real_spectrum(4, [1.0, 2.0, 3.5, -1.0])
    check_grads(lambda m: la.schur(m)[0], (a,), order=2, modes=("fwd", "rev"))
    check_grads(lambda m: la.schur(m)[1], (a,), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("imag", [0.0, 0.4], ids=["real-input", "complex-input"])
def test_schur_complex_second_order(imag):
    a = real_spectrum(4) + imag * 1j * RNG.standard_normal((4, 4))

    def invariants(m):  # independent of the phases of Z's columns
        t, z = la.schur(m, output="complex")
        recon = z @ t @ np.conj(z).T
        return np.concatenate([abs2(t).ravel(), abs2(z).ravel(), np.real(np.diag(t) ** 2), np.imag(recon).ravel()])

    check_grads(invariants, (a,), order=2, modes=("fwd", "rev"))
    # the diagonal's derivative is that of the eigenvalues
    _, dt = osc.jvp(lambda m: np.diag(la.schur(m, output="complex")[0]), (a,), (np.eye(4) * 0 + a,))
    np.testing.assert_allclose(dt, np.diag(la.schur(a, output="complex")[0]), rtol=1e-10)


def test_schur_sort_gives_scipys_sdim_and_derivatives():
    a = real_spectrum(4, [-3.0, 2.0, -1.0, 4.0])
    for sort in ("lhp", "rhp", "iuc", "ouc", lambda x, y: x > 1.5):
        want = sl.schur(a, sort=sort)
        got = la.schur(a, sort=sort)
        np.testing.assert_array_equal(got[0], want[0])
        assert got[2] == want[2]
        traced = osc.jvp(lambda m: la.schur(m, sort=sort)[:2], (a,), (a,))[0]
        np.testing.assert_array_equal(traced[0], want[0])
    check_grads(lambda m: la.schur(m, sort="lhp")[0], (a,), order=2, modes=("fwd", "rev"))
    sdim = []
    osc.grad(lambda m: sdim.append(la.schur(m, sort="lhp")[2]) or la.schur(m, sort="lhp")[0][0, 0])(a)
    assert sdim == [2]
    with pytest.raises(ValueError, match="inside jit or vmap"):
        osc.jit(lambda m: la.schur(m, sort="lhp")[0])(a)


def test_schur_under_vmap_and_jit():
    stack = np.stack([real_spectrum(3), real_spectrum(3, [-1.0, 0.5, 2.0])])
    got = osc.vmap(lambda m: la.schur(m)[0])(stack)
    np.testing.assert_array_equal(got, np.stack([sl.schur(m)[0] for m in stack]))
    staged = osc.jit(lambda m: la.schur(m)[1])
    for m in stack:
        np.testing.assert_array_equal(staged(m), sl.schur(m)[1])
    hess = osc.hessian(lambda m: la.schur(m)[0][0, 1])(stack[0])
    np.testing.assert_allclose(hess, np.transpose(hess, (2, 3, 0, 1)), atol=1e-10)


def test_schur_real_blocks_differentiate_outside_jit():
    rot = np.array([[1.0, -2.0], [2.0, 1.0]])
    t, z = la.schur(rot)  # plain values: SciPy's answer
    np.testing.assert_array_equal(t, sl.schur(rot)[0])
    g = osc.grad(lambda m: np.real(la.schur(m, output="complex")[0][0, 0]))(rot)
    np.testing.assert_allclose(g, 0.5 * np.eye(2), atol=1e-12)  # d Re(λ) = tr(dA) / 2
    # a 7x7 matrix with three 2x2 blocks: against SciPy's own differences, then to second order
    a = np.random.default_rng(5).standard_normal((7, 7))
    rt, rz = sl.schur(a)
    assert len(np.flatnonzero(np.diagonal(rt, -1))) >= 2
    v = RNG.standard_normal((7, 7))
    h = 1e-6
    fd = [(p - m) / (2 * h) for p, m in zip(sl.schur(a + h * v), sl.schur(a - h * v))]
    (t, z), (dt, dz) = osc.jvp(la.schur, (a,), (v,))
    np.testing.assert_array_equal(t, rt)
    np.testing.assert_allclose(dt, fd[0], atol=1e-7)
    np.testing.assert_allclose(dz, fd[1], atol=1e-7)
    blocks = np.flatnonzero(np.diagonal(rt, -1))
    np.testing.assert_allclose(np.diagonal(dt)[blocks], np.diagonal(dt)[blocks + 1], atol=1e-12)  # standardised
    check_grads(la.schur, (a,), order=2, modes=("fwd", "rev"))
    check_grads(lambda m: la.schur(m, sort="iuc")[:2], (a,), order=2, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="output='complex'"):
        osc.jit(lambda m: la.schur(m)[0])(a)
    np.testing.assert_array_equal(osc.jit(lambda m: la.schur(m, output="complex")[0])(a),
                                  sl.schur(a, output="complex")[0])


def test_schur_checks_arguments():
    with pytest.raises(ValueError, match="output must be"):
        la.schur(np.eye(2), output="upper")
    with pytest.raises(ValueError, match="a must be a square matrix"):
        la.schur(np.ones((2, 3)))
    with pytest.raises(ValueError, match="a must be a square matrix"):
        la.schur(np.ones((2, 2, 2)))


def test_schur_nan_propagates():
    a = real_spectrum(3)
    a[0, 0] = np.nan
    with pytest.raises(ValueError):  # SciPy's check_finite, as SciPy
        sl.schur(a)
    with pytest.raises(ValueError):
        la.schur(a)


# --------------------------------------------------------------------------- rsf2csf


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 8])
def test_rsf2csf_values_are_scipys(n):
    a = np.random.default_rng(n).standard_normal((n, n))
    t, z = sl.schur(a)
    got, want = la.rsf2csf(t, z), sl.rsf2csf(t, z)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=0, atol=1e-13 * max(1.0, np.abs(w).max()))


def test_rsf2csf_complex64_and_shapes():
    t, z = sl.schur(np.array([[1.0, 2.0], [-3.0, 1.0]], dtype=np.float32))
    got, want = la.rsf2csf(t, z), sl.rsf2csf(t, z)
    assert got[0].dtype == want[0].dtype == np.complex64
    np.testing.assert_allclose(got[0], want[0], atol=1e-5)
    with pytest.raises(ValueError, match="same shape"):
        la.rsf2csf(np.eye(2), np.eye(3))
    with pytest.raises(ValueError, match="T must be a square matrix"):
        la.rsf2csf(np.ones((2, 3)), np.eye(2))


def test_rsf2csf_second_order():
    a = np.random.default_rng(5).standard_normal((5, 5))
    t, z = sl.schur(a)
    # perturb only the entries a real Schur form may hold (the upper triangle and its 2x2 blocks)
    keep = np.triu(np.ones((5, 5), dtype=bool), -1) & ~(np.tri(5, 5, -1, dtype=bool) & (t == 0))

    def f(t, z):
        ct, cz = la.rsf2csf(np.where(keep, t, 0.0), z)
        return np.concatenate([np.real(ct).ravel(), np.imag(ct).ravel(), np.real(cz).ravel(), np.imag(cz).ravel()])

    check_grads(f, (t, z), order=2, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="inside jit or vmap"):
        osc.jit(lambda t: la.rsf2csf(t, z)[0])(t)


def test_rsf2csf_after_schur_reconstructs():
    a = np.random.default_rng(7).standard_normal((4, 4))
    t, z = la.rsf2csf(*la.schur(a))
    np.testing.assert_allclose(z @ t @ np.conj(z).T, a, atol=1e-12)
    assert np.all(np.tril(t, -1) == 0)


# --------------------------------------------------------------------------- ldl


def _traced_values(f, a):
    """``f(a)`` computed on traced values (the composed path, not SciPy's shortcut)."""
    return osc.jvp(f, (a,), (np.zeros_like(a),))[0]


def _hermitian(a):
    return 0.5 * (a + np.conj(a).T)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("kind", ["real", "hermitian", "complex-symmetric"])
@pytest.mark.parametrize("lower", [True, False])
def test_ldl_values_are_scipys(n, kind, lower):
    r = np.random.default_rng(n)
    a = r.standard_normal((n, n))
    if kind != "real":
        a = a + 1j * r.standard_normal((n, n))
    if kind == "hermitian":
        a = _hermitian(a)
    herm = kind != "complex-symmetric"
    lu, d, perm = _traced_values(lambda m: la.ldl(m, lower=lower, hermitian=herm), a)
    rlu, rd, rperm = sl.ldl(a, lower=lower, hermitian=herm)
    np.testing.assert_array_equal(perm, rperm)
    np.testing.assert_allclose(lu, rlu, rtol=0, atol=1e-12 * np.abs(rlu).max())
    np.testing.assert_allclose(d, rd, rtol=0, atol=1e-12 * np.abs(rd).max())
    plain = la.ldl(a, lower=lower, hermitian=herm)
    for g, w in zip(plain, (rlu, rd, rperm)):
        np.testing.assert_array_equal(g, w)


ZERO_DIAGONAL = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.0]])  # 2x2 pivots


@pytest.mark.parametrize("a", [np.random.default_rng(3).standard_normal((4, 4)), ZERO_DIAGONAL + 0.01 * np.arange(9.0).reshape(3, 3)],
                         ids=["1x1-pivots", "2x2-pivots"])
@pytest.mark.parametrize("lower", [True, False])
def test_ldl_second_order(a, lower):
    check_grads(lambda m: la.ldl(m, lower=lower)[:2], (a,), order=2, modes=("fwd", "rev"))


def test_ldl_reads_one_triangle_and_reconstructs():
    a = np.random.default_rng(4).standard_normal((4, 4))
    for lower in (True, False):
        g = osc.jacrev(lambda m: la.ldl(m, lower=lower)[1])(a)
        unread = np.triu(np.ones((4, 4)), 1) if lower else np.tril(np.ones((4, 4)), -1)
        assert np.all(g[..., unread.astype(bool)] == 0)
        sym = np.tril(a) + np.tril(a, -1).T if lower else np.triu(a) + np.triu(a, 1).T
        recon = lambda m: (lambda lu, d, p: lu @ d @ lu.T)(*la.ldl(m, lower=lower))  # noqa: E731
        jac = osc.jacfwd(recon)(a)
        want = osc.jacfwd(lambda m: np.tril(m) + np.tril(m, -1).T if lower else np.triu(m) + np.triu(m, 1).T)(a)
        np.testing.assert_allclose(recon(a), sym, atol=1e-12)
        np.testing.assert_allclose(jac, want, atol=1e-10)


def test_ldl_hermitian_second_order_and_errors():
    r = np.random.default_rng(6)
    a = _hermitian(r.standard_normal((3, 3)) + 1j * r.standard_normal((3, 3)))

    def f(m):  # (made Hermitian first: SciPy warns about an imaginary diagonal at the difference points)
        lu, d, _ = la.ldl(_hermitian(m))
        return np.concatenate([np.real(np.diag(d)), np.real(lu).ravel(), np.imag(lu).ravel()])

    check_grads(f, (a,), order=2, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="A must be a square matrix"):
        la.ldl(np.ones((2, 3)))
    with pytest.raises(ValueError, match="inside jit or vmap"):
        osc.jit(lambda m: la.ldl(m)[1])(np.eye(2))
    empty = la.ldl(np.zeros((0, 0)))
    assert [x.shape for x in empty] == [(0, 0), (0, 0), (0,)]


# --------------------------------------------------------------------------- qr_update, qr_insert, qr_delete


def _cases_of_qr_modifications(q, r, rnd):
    """``(label, osculate call, scipy call)`` for every argument form that SciPy accepts on ``(q, r)``."""
    m, n = q.shape[0], r.shape[1]
    full = q.shape[1] == m
    out = [("update-1", la.qr_update, sl.qr_update, (q, r, rnd(m), rnd(n)), {}),
           ("update-2", la.qr_update, sl.qr_update, (q, r, rnd(m, 2), rnd(n, 2)), {})]
    for k in (0, 1, -1):
        if full:
            out += [(f"insert-row-{k}", la.qr_insert, sl.qr_insert, (q, r, rnd(n), k), {}),
                    (f"insert-rows-{k}", la.qr_insert, sl.qr_insert, (q, r, rnd(2, n), k), {})]
        out += [(f"insert-col-{k}", la.qr_insert, sl.qr_insert, (q, r, rnd(m), k), {"which": "col"}),
                (f"insert-cols-{k}", la.qr_insert, sl.qr_insert, (q, r, rnd(m, 2), k), {"which": "col"})]
        for p in (1, 2):
            for which in ("row", "col"):
                out.append((f"delete-{which}-{k}-{p}", la.qr_delete, sl.qr_delete, (q, r, k, p), {"which": which}))
    return out


@pytest.mark.parametrize("shape, mode", [((5, 3), "full"), ((5, 3), "economic"), ((3, 5), "full"), ((4, 4), "full"),
                                         ((6, 2), "economic")])
@pytest.mark.parametrize("kind", [float, complex])
def test_qr_modifications_match_scipy(shape, mode, kind):
    r = np.random.default_rng(shape[0] * 10 + shape[1])

    def rnd(*s):
        x = r.standard_normal(s)
        return x + 1j * r.standard_normal(s) if kind is complex else x

    q, rr = sl.qr(rnd(*shape), mode=mode)
    worst = 0.0
    for label, ours, theirs, args, kw in _cases_of_qr_modifications(q, rr, rnd):
        try:
            want = theirs(*args, **kw)
        except ValueError:  # (SciPy's bounds: p past the end)
            with pytest.raises(ValueError):
                ours(*args, **kw)
            continue
        got = ours(*args, **kw)
        for g, w in zip(got, want):
            assert g.shape == w.shape and g.dtype == w.dtype, label
            if w.size:
                worst = max(worst, float(np.abs(g - w).max()))
    assert worst < 1e-12


def _phase_free(q, r):
    """The factors through what does not depend on the columns' phases (all of them, for real factors)."""
    k = min(q.shape[0], r.shape[1])
    q1 = q[:, :k]
    parts = [abs2(r), abs2(q1), q1 @ r[:k], q1 @ np.conj(q1).T] if np.iscomplexobj(q) else [r, q1]
    if q.shape[1] > k:
        parts.append(q[:, k:] @ np.conj(q[:, k:]).T)
    out = np.concatenate([np.ravel(x) for x in parts])
    return np.concatenate([np.real(out), np.imag(out)]) if np.iscomplexobj(out) else out


@pytest.mark.parametrize("mode", ["full", "economic"])
@pytest.mark.parametrize("kind", [float, complex])
def test_qr_modifications_second_order(mode, kind):
    r = np.random.default_rng(8)

    def rnd(*s):
        x = r.standard_normal(s)
        return x + 1j * r.standard_normal(s) if kind is complex else x

    a = rnd(5, 3)
    check_grads(lambda a, u, v: _phase_free(*la.qr_update(*la.qr(a, mode=mode), u, v)), (a, rnd(5), rnd(3)),
                order=2, modes=("fwd", "rev"))
    check_grads(lambda a, u, v: _phase_free(*la.qr_update(*la.qr(a, mode=mode), u, v)), (a, rnd(5, 2), rnd(3, 2)),
                order=2, modes=("fwd", "rev"))
    check_grads(lambda a, u: _phase_free(*la.qr_insert(*la.qr(a, mode=mode), u, 1, which="col")), (a, rnd(5)),
                order=2, modes=("fwd", "rev"))
    for which in ("row", "col"):
        check_grads(lambda a: _phase_free(*la.qr_delete(*la.qr(a, mode=mode), 1, which=which)), (a,),
                    order=2, modes=("fwd", "rev"))
    if mode == "full":
        check_grads(lambda a, u: _phase_free(*la.qr_insert(*la.qr(a), u, 2)), (a, rnd(2, 3)),
                    order=2, modes=("fwd", "rev"))


def test_qr_modifications_errors():
    q, r = sl.qr(np.random.default_rng(9).standard_normal((4, 3)))
    with pytest.raises(ValueError, match="which must be 'row' or 'col'"):
        la.qr_insert(q, r, np.ones(3), 0, which="rows")
    with pytest.raises(ValueError, match="which must be 'row' or 'col'"):
        la.qr_delete(q, r, 0, which="column")
    with pytest.raises(ValueError, match="Q and R must be matrices"):
        la.qr_update(q[0], r, np.ones(4), np.ones(3))
    with pytest.raises(ValueError):  # SciPy's own checks on the values
        la.qr_insert(q, r, np.ones(3), 9)
    with pytest.raises(ValueError, match="inside jit or vmap"):
        osc.jit(lambda u: la.qr_update(q, r, u, np.ones(3))[1])(np.ones(4))


# --------------------------------------------------------------------------- expm_cond


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6])
@pytest.mark.parametrize("kind", [float, complex])
def test_expm_cond_matches_scipy(n, kind):
    r = np.random.default_rng(n)
    a = r.standard_normal((n, n)) + (1j * r.standard_normal((n, n)) if kind is complex else 0)
    np.testing.assert_allclose(la.expm_cond(a), sl.expm_cond(a), rtol=1e-12)
    np.testing.assert_allclose(osc.jvp(la.expm_cond, (a,), (a,))[0], sl.expm_cond(a), rtol=1e-12)


@pytest.mark.parametrize("kind", [float, complex])
def test_expm_cond_second_order(kind):
    r = np.random.default_rng(12)
    a = r.standard_normal((3, 3)) + (1j * r.standard_normal((3, 3)) if kind is complex else 0)
    check_grads(la.expm_cond, (a,), order=2, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="A must be a square matrix"):
        la.expm_cond(np.ones((2, 3)))


def test_rsf2csf_of_schur_differentiates_through_both():
    a = np.random.default_rng(5).standard_normal((5, 5))  # complex eigenvalues: 2x2 blocks to rotate

    def f(m):
        t, z = la.rsf2csf(*la.schur(m))
        return np.concatenate([abs2(t).ravel(), abs2(z).ravel(), np.real(np.diag(t)), np.imag(np.diag(t)) ** 2])

    check_grads(f, (a,), order=2, modes=("fwd", "rev"))
    # its diagonal holds the eigenvalues: their derivative is that of eigvals
    w = lambda m: np.sort_complex(np.diag(la.rsf2csf(*la.schur(m))[0]))  # noqa: E731
    v = np.random.default_rng(6).standard_normal((5, 5))
    got = osc.jvp(lambda m: np.real(w(m)) + np.imag(w(m)) ** 2, (a,), (v,))[1]
    e = lambda m: np.sort_complex(la.eigvals(m))  # noqa: E731
    want = osc.jvp(lambda m: np.real(e(m)) + np.imag(e(m)) ** 2, (a,), (v,))[1]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)


def test_schur_keeps_single_precision():
    a = np.random.default_rng(0).standard_normal((4, 4)).astype(np.float32)  # one 2x2 block
    for output, kind in (("real", np.float32), ("complex", np.complex64)):
        (t, z), (dt, dz) = osc.jvp(lambda m: la.schur(m, output=output), (a,), (a,))
        assert t.dtype == dt.dtype == dz.dtype == sl.schur(a, output=output)[0].dtype == kind
        assert osc.grad(lambda m: np.real(la.schur(m, output=output)[0][0, 0]))(a).dtype == np.float32
