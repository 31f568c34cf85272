"""Complex matrices through numpy.linalg and scipy.linalg in every transform.

Each case is checked four ways: its value against NumPy's or SciPy's on the
same complex matrices; first and second derivatives against finite
differences in random complex directions (``check_grads``, both modes);
``vmap`` and ``jit`` against the plain call; and Taylor mode
(``derivatives_along`` at a complex point) against nested forward mode.
Singular vectors and eigenvectors carry a phase LAPACK chooses, so their
cases are functions invariant to it (``|u|²``, ``U Vᴴ``, projections).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla

import osculate as osc
import osculate.scipy.linalg as osla
from osculate.testing import check_grads

from _cases import line_derivatives

RNG = np.random.default_rng(20261207)


def crandn(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


def her(a):
    """The Hermitian part: keeps finite-difference points of logm/sqrtm Hermitian."""
    return 0.5 * (a + np.conj(np.swapaxes(a, -1, -2)))


N = 3
A = crandn(N, N)
TALL = crandn(4, 3)
WIDE = crandn(3, 4)
B = crandn(N, 2)
_G = crandn(N, N)
HPD = _G @ _G.conj().T + 3 * np.eye(N)
HPD_L = HPD + np.tril(crandn(N, N), -1)  # the lower triangle is not the conjugate of the upper: which is read matters
TRI = np.triu(crandn(N, N)) + 3 * np.eye(N)


def _uvh(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return u @ vh


def _svd_proj(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return (np.abs(u) ** 2, np.abs(vh) ** 2, (u * s) @ u.conj().T)


def _svd_full_span(a):
    u, s, vh = np.linalg.svd(a)
    k = min(a.shape)
    return u[:, k:] @ u[:, k:].conj().T, vh[k:].conj().T @ vh[k:]


def _ref_svd_full_span(a):
    u, s, vh = np.linalg.svd(a)
    k = min(a.shape)
    return u[:, k:] @ u[:, k:].conj().T, vh[k:].conj().T @ vh[k:]


def _ref_svd_proj(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return (np.abs(u) ** 2, np.abs(vh) ** 2, (u * s) @ u.conj().T)


# name: (function traced by osculate, the reference on plain arrays or None (same function), args)
CASES = {
    "svdvals": (lambda a: np.linalg.svd(a, compute_uv=False), None, (A,)),
    "svdvals tall": (lambda a: np.linalg.svd(a, compute_uv=False), None, (TALL,)),
    "svd U Vh": (_uvh, None, (WIDE,)),
    "svd phase-free": (_svd_proj, _ref_svd_proj, (TALL,)),
    "svd full span": (_svd_full_span, _ref_svd_full_span, (TALL,)),
    "qr": (lambda a: tuple(np.linalg.qr(a)), None, (TALL,)),
    "qr wide": (lambda a: tuple(np.linalg.qr(a)), None, (WIDE,)),
    "qr r": (lambda a: np.linalg.qr(a, mode="r"), None, (A,)),
    "pinv": (np.linalg.pinv, None, (TALL,)),
    "lstsq": (lambda a, b: np.linalg.lstsq(a, b)[0], None, (TALL, crandn(4, 2))),
    "lstsq residuals": (lambda a, b: np.linalg.lstsq(a, b)[1], None, (TALL, crandn(4))),
    "cond": (np.linalg.cond, None, (A,)),
    "cond 1": (lambda a: np.linalg.cond(a, 1), None, (A,)),
    "norm fro": (np.linalg.norm, None, (A,)),
    "norm nuc": (lambda a: np.linalg.norm(a, "nuc"), None, (TALL,)),
    "norm 2": (lambda a: np.linalg.norm(a, 2), None, (A,)),
    "norm -2": (lambda a: np.linalg.norm(a, -2), None, (A,)),
    "norm 1 inf": (lambda a: (np.linalg.norm(a, 1), np.linalg.norm(a, -np.inf)), None, (A,)),
    "vector norms": (lambda v: (np.linalg.norm(v), np.linalg.norm(v, 3), np.linalg.norm(v, -1.5)), None, (crandn(5),)),
    "matrix_power": (lambda a: np.linalg.matrix_power(a, 3), None, (A,)),
    "matrix_power -2": (lambda a: np.linalg.matrix_power(a, -2), None, (A,)),
    "slogdet": (lambda a: tuple(np.linalg.slogdet(a)), None, (A,)),
    "inv det": (lambda a: (np.linalg.inv(a), np.linalg.det(a)), None, (A,)),
    "cholesky upper": (lambda a: np.linalg.cholesky(a, upper=True), None, (HPD_L,)),
    "eigh UPLO=U phase-free": (lambda a: np.abs(np.linalg.eigh(a, UPLO="U")[1]) ** 2, None, (HPD_L,)),
    "eigvalsh UPLO=U": (lambda a: np.linalg.eigvalsh(a, UPLO="U"), None, (HPD_L,)),
    # scipy.linalg
    "solve_triangular N": (lambda t, b: osla.solve_triangular(t, b), lambda t, b: sla.solve_triangular(t, b), (TRI, B)),
    "solve_triangular T": (lambda t, b: osla.solve_triangular(t, b, trans="T"),
                           lambda t, b: sla.solve_triangular(t, b, trans="T"), (TRI, B)),
    "solve_triangular C": (lambda t, b: osla.solve_triangular(t, b, trans=2),
                           lambda t, b: sla.solve_triangular(t, b, trans=2), (TRI, B)),
    "solve_triangular C lower unit": (
        lambda t, b: osla.solve_triangular(t, b, trans="C", lower=True, unit_diagonal=True),
        lambda t, b: sla.solve_triangular(t, b, trans="C", lower=True, unit_diagonal=True), (TRI.T.copy(), B[:, 0])),
    "lu_factor": (lambda a: osla.lu_factor(a)[0], lambda a: sla.lu_factor(a)[0], (A,)),
    "lu": (lambda a: osla.lu(a), lambda a: sla.lu(a), (A,)),
    "lu_solve": (lambda a, b: osla.lu_solve(osla.lu_factor(a), b), lambda a, b: sla.lu_solve(sla.lu_factor(a), b), (A, B)),
    "lu_solve T": (lambda a, b: osla.lu_solve(osla.lu_factor(a), b, trans=1),
                   lambda a, b: sla.lu_solve(sla.lu_factor(a), b, trans=1), (A, B)),
    "lu_solve C": (lambda a, b: osla.lu_solve(osla.lu_factor(a), b, trans=2),
                   lambda a, b: sla.lu_solve(sla.lu_factor(a), b, trans=2), (A, B)),
    "cholesky": (lambda a: osla.cholesky(a), lambda a: sla.cholesky(a), (HPD_L,)),
    "cholesky lower": (lambda a: osla.cholesky(a, lower=True), lambda a: sla.cholesky(a, lower=True), (HPD_L.conj().T,)),
    "cho_factor": (lambda a: osla.cho_factor(a)[0], lambda a: sla.cho_factor(a)[0], (HPD_L,)),
    "cho_solve": (lambda a, b: osla.cho_solve(osla.cho_factor(a), b), lambda a, b: sla.cho_solve(sla.cho_factor(a), b),
                  (HPD_L, B)),
    "cho_solve lower": (lambda a, b: osla.cho_solve(osla.cho_factor(a, lower=True), b),
                        lambda a, b: sla.cho_solve(sla.cho_factor(a, lower=True), b), (HPD_L, B)),
    "solve her": (lambda a, b: osla.solve(a, b, assume_a="her"), lambda a, b: sla.solve(a, b, assume_a="her"), (HPD_L, B)),
    "solve her upper": (lambda a, b: osla.solve(a, b, assume_a="her", lower=False),
                        lambda a, b: sla.solve(a, b, assume_a="her", lower=False), (HPD_L, B)),
    "solve pos": (lambda a, b: osla.solve(a, b, assume_a="pos"), lambda a, b: sla.solve(a, b, assume_a="pos"),
                  (HPD_L, B)),
    "solve sym": (lambda a, b: osla.solve(a, b, assume_a="sym"), lambda a, b: sla.solve(a, b, assume_a="sym"),
                  (A + A.T, B)),
    "solve": (lambda a, b: osla.solve(a, b), lambda a, b: sla.solve(a, b), (A, B)),
    "inv her": (lambda a: osla.inv(a, assume_a="her"), lambda a: sla.inv(a, assume_a="her"), (HPD_L,)),
    "scipy inv det": (lambda a: (osla.inv(a), osla.det(a)), lambda a: (sla.inv(a), sla.det(a)), (A,)),
    "expm": (lambda a: osla.expm(a), lambda a: sla.expm(a), (0.5 * A,)),
    "expm_frechet": (lambda a, e: osla.expm_frechet(a, e), lambda a, e: sla.expm_frechet(a, e), (0.5 * A, crandn(N, N))),
    "logm": (lambda a: osla.logm(her(a)), lambda a: sla.logm(her(a)), (HPD,)),
    "sqrtm": (lambda a: osla.sqrtm(her(a)), lambda a: sla.sqrtm(her(a)), (HPD,)),
    "scipy eigh upper": (lambda a: osla.eigh(a, lower=False, eigvals_only=True),
                         lambda a: sla.eigh(a, lower=False, eigvals_only=True), (HPD_L,)),
    "scipy eigh vectors phase-free": (lambda a: np.abs(osla.eigh(a)[1]) ** 2, lambda a: np.abs(sla.eigh(a)[1]) ** 2,
                                      (HPD_L,)),
}

NAMES = sorted(CASES)


def _leaves(x):
    if isinstance(x, (tuple, list)):
        return [leaf for item in x for leaf in _leaves(item)]
    return [np.asarray(x)]


@pytest.mark.parametrize("name", NAMES)
def test_values_match_numpy_and_scipy(name):
    fn, ref, args = CASES[name]
    got = _leaves(osc.jit(fn)(*args))  # traced (staged), so osculate's rules produce the value
    want = _leaves((ref or fn)(*args))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
        assert np.iscomplexobj(g) == np.iscomplexobj(w)


@pytest.mark.parametrize("name", NAMES)
def test_second_order_against_finite_differences(name):
    fn, _, args = CASES[name]
    check_grads(fn, args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", NAMES)
def test_vmap_and_jit(name):
    fn, _, args = CASES[name]
    stacked = tuple(np.stack([a, a * (1.0 + 0.05j)]) for a in args)
    if name in ("logm", "sqrtm"):
        stacked = tuple(np.stack([a, 1.1 * a]) for a in args)  # stays Hermitian positive definite
    batched = _leaves(osc.vmap(fn)(*stacked))
    for i in range(2):
        want = _leaves(fn(*(s[i] for s in stacked)))
        for g, w in zip(batched, want):
            np.testing.assert_allclose(g[i], w, rtol=1e-10, atol=1e-12)
    # a derivative staged by jit and replayed at another point
    def scalar(*xs):
        return sum(np.sum(np.real(leaf) + 0.3 * np.imag(leaf)) for leaf in _leaves_traced(fn(*xs)))
    g = osc.jit(osc.grad(scalar))
    for s in range(2):
        point = args[0] * (1.0 + 0.05j * s) if name not in ("logm", "sqrtm") else args[0] * (1.0 + 0.1 * s)
        np.testing.assert_allclose(g(point, *args[1:]), osc.grad(scalar)(point, *args[1:]), rtol=1e-10, atol=1e-12)


def _leaves_traced(x):
    if isinstance(x, (tuple, list)):
        return [leaf for item in x for leaf in _leaves_traced(item)]
    return [x]


@pytest.mark.parametrize("name", NAMES)
def test_taylor_mode_against_nested_jvp(name):
    fn, _, args = CASES[name]
    x0, rest = args[0], args[1:]
    d = 0.1 * crandn(*np.shape(x0))
    if name in ("logm", "sqrtm"):
        d = her(d)

    def scalar(x):
        return sum(np.sum(np.real(leaf) - 0.7 * np.imag(leaf)) for leaf in _leaves_traced(fn(x, *rest)))

    want = line_derivatives(scalar, x0, d, 3)
    np.testing.assert_allclose(osc.derivatives_along(scalar, x0, d, 3), want, rtol=1e-8, atol=1e-10)


def test_real_input_keeps_real_results_and_dtypes():
    a = RNG.standard_normal((3, 3))
    for fn in (lambda m: osla.lu_factor(m)[0], lambda m: osla.expm(m), lambda m: np.linalg.svd(m)[0],
               lambda m: np.linalg.qr(m)[1], lambda m: osla.solve_triangular(m, np.ones(3), trans=2)):
        out = osc.jit(fn)(a)
        assert out.dtype == np.float64
        np.testing.assert_allclose(out, fn(a), rtol=1e-12)


def test_solve_triangular_trans_2_is_the_transpose_for_real_input():
    t = np.triu(RNG.standard_normal((3, 3))) + 3 * np.eye(3)
    b = RNG.standard_normal(3)
    f1 = lambda m: osla.solve_triangular(m, b, trans=1)  # noqa: E731
    f2 = lambda m: osla.solve_triangular(m, b, trans="C")  # noqa: E731
    np.testing.assert_array_equal(osc.jacfwd(f1)(t), osc.jacfwd(f2)(t))


def test_singular_values_stay_real_and_the_phase_goes_to_u():
    a = crandn(3, 3)
    s, ds = osc.jvp(lambda m: np.linalg.svd(m, compute_uv=False), (a,), (crandn(3, 3),))
    assert s.dtype == np.float64 and ds.dtype == np.float64
    (u, _, vh), (du, _, dvh) = osc.jvp(lambda m: tuple(np.linalg.svd(m)), (a,), (crandn(3, 3),))
    np.testing.assert_allclose(np.diag(vh @ dvh.conj().T), 0.0, atol=1e-12)  # diag(Vᴴ dV) = 0
    assert np.max(np.abs(np.imag(np.diag(u.conj().T @ du)))) > 1e-3  # the phase turns on U


def test_stop_gradient_of_a_complex_value():
    z = crandn(3)
    t = crandn(3)
    f = lambda z: osc.stop_gradient(z) * z  # noqa: E731
    y, dy = osc.jvp(f, (z,), (t,))
    np.testing.assert_allclose(y, z * z)
    np.testing.assert_allclose(dy, z * t)  # the stopped factor keeps its imaginary part and has no tangent
    (g,) = osc.vjp(f, z)[1](np.ones(3, dtype=complex))
    np.testing.assert_allclose(g, z)
    np.testing.assert_allclose(osc.jit(f)(z), z * z)
    np.testing.assert_allclose(osc.vmap(f)(np.stack([z, 2 * z])), np.stack([z * z, 4 * z * z]))
    h = lambda z: np.real(np.sum(osc.stop_gradient(z) * z * np.conj(z)))  # noqa: E731
    np.testing.assert_allclose(osc.grad(h)(z), np.conj(z) ** 2 + np.abs(z) ** 2, rtol=1e-12)


def test_astype_between_complex_dtypes_keeps_the_derivative():
    z = crandn(3)
    f = lambda z: z.astype(np.complex64).astype(np.complex128) * z  # noqa: E731
    check_grads(f, (z,), order=2, eps=1e-3, rtol=1e-3, atol=1e-4)
    g = lambda x: (x.astype(np.complex128) * 1j + x) ** 2  # noqa: E731
    check_grads(g, (RNG.standard_normal(3),), order=2)
    y, dy = osc.jvp(lambda z: z.astype(np.complex128) * z, (z,), (z,))
    np.testing.assert_allclose(dy, 2 * z * z)


@pytest.mark.parametrize("name, f0", [
    ("nuclear norm", lambda a: np.linalg.norm(a, "nuc")),
    ("qr", lambda a: np.sum(np.abs(np.linalg.qr(a)[0][:, 0] * np.linalg.qr(a)[1][0, 1]) ** 2)),
    ("lu_solve C", lambda a: np.sum(np.abs(osla.lu_solve(osla.lu_factor(a), np.ones(3), trans=2)) ** 2)),
    ("cho_solve", lambda a: np.real(np.sum(osla.cho_solve(osla.cho_factor(HPD + 0.1 * a), np.ones(3))))),
    ("expm", lambda a: np.sum(np.abs(osla.expm(0.3 * a)) ** 2)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_four_hvp_nestings_in_real_coordinates(name, f0):
    def f(w):
        return f0(np.reshape(w[:9] + 1j * w[9:], (3, 3)))

    w = np.concatenate([A.real.ravel(), A.imag.ravel()])
    v = RNG.standard_normal(18)
    want = osc.hessian(f)(w) @ v
    for mode in ("fwd-rev", "rev-fwd", "rev-rev", "fwd-fwd"):
        np.testing.assert_allclose(osc.hvp(f, w, v, mode=mode), want, rtol=1e-9, atol=1e-10)
