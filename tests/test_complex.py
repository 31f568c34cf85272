"""Complex numbers and the Fourier transforms in every transform.

The convention (JAX's and autograd's, docs/engine.md "Complex numbers"):
cotangents pair with tangents as ``Re(sum(c * t))``, so ``grad`` of a real
``f`` of complex ``z`` is ``∂f/∂x − i ∂f/∂y`` and ``grad(holomorphic=True)``
the complex derivative.  Every check here is against finite differences in
the real and imaginary directions, NumPy's own values, or a closed form.
"""

from __future__ import annotations

import numpy as np
import pytest

import osculate as osc
from osculate.testing import check_grads

from _cases import line_derivatives

RNG = np.random.default_rng(20261206)


def crandn(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


# --------------------------------------------------------------------------- the convention


def test_the_convention_agrees_with_jax_and_autograd():
    z = np.complex128(1 + 2j)
    assert osc.grad(lambda z: np.abs(z) ** 2)(z) == 2 - 4j
    assert osc.grad(lambda z: np.real(z ** 2))(z) == 2 + 4j
    assert osc.grad(lambda z: z ** 3, holomorphic=True)(z) == 3 * z ** 2
    # the gradient is ∂f/∂x − i ∂f/∂y: a descent step moves along its conjugate
    f = lambda z: np.abs(z - (0.5 - 1j)) ** 2  # noqa: E731
    g = osc.grad(f)(z)
    assert f(z - 0.1 * np.conj(g)) < f(z)


def test_grad_of_a_real_function_is_dx_minus_i_dy():
    z = crandn(4)
    f = lambda z: np.sum(np.abs(np.sin(z)) ** 2 + np.real(z ** 3) * np.imag(z))  # noqa: E731
    g = osc.grad(f)(z)
    h = 1e-6
    dx = np.array([(f(z + h * e) - f(z - h * e)) / (2 * h) for e in np.eye(4)])
    dy = np.array([(f(z + 1j * h * e) - f(z - 1j * h * e)) / (2 * h) for e in np.eye(4)])
    np.testing.assert_allclose(g, dx - 1j * dy, rtol=1e-7)
    assert g.dtype == np.complex128


HOLOMORPHIC = {
    "exp": np.exp, "log": lambda z: np.log(z + 3.0), "sqrt": lambda z: np.sqrt(z + 3.0),
    "power": lambda z: (z + 2.0) ** 2.5, "int power": lambda z: z ** 3, "reciprocal": lambda z: 1.0 / (z + 3.0),
    "sin": np.sin, "cos": np.cos, "tan": lambda z: np.tan(0.3 * z), "sinh": np.sinh, "cosh": np.cosh,
    "tanh": lambda z: np.tanh(0.5 * z), "arctan": lambda z: np.arctan(0.3 * z), "square": np.square,
    "expm1": np.expm1, "log1p": lambda z: np.log1p(z + 2.0), "arcsinh": lambda z: np.arcsinh(0.3 * z),
}


@pytest.mark.parametrize("name", sorted(HOLOMORPHIC))
def test_holomorphic_functions_to_second_order_and_cauchy_riemann(name):
    fn = HOLOMORPHIC[name]
    z = 0.5 * crandn(3)
    check_grads(fn, (z,), order=2)
    # the complex derivative: its real Jacobian in (x, y) has the Cauchy–Riemann form [[a, -b], [b, a]]
    d = np.diag(osc.jacfwd(fn, holomorphic=True)(z))
    np.testing.assert_allclose(d, np.diag(osc.jacrev(fn, holomorphic=True)(z)), rtol=1e-12)
    real_form = lambda w: np.concatenate([np.real(fn(w[:3] + 1j * w[3:])), np.imag(fn(w[:3] + 1j * w[3:]))])  # noqa: E731
    J = osc.jacfwd(real_form)(np.concatenate([z.real, z.imag]))
    a, b = np.diag(J[:3, :3]), np.diag(J[3:, :3])
    np.testing.assert_allclose(np.diag(J[3:, 3:]), a, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.diag(J[:3, 3:]), -b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(d, a + 1j * b, rtol=1e-12)


A3 = crandn(3, 3) + 3 * np.eye(3)
B3 = crandn(3, 2)

COMPLEX_CASES = {
    "arithmetic mixed real/complex": (lambda z, x: z * x - x / (z + 3) + 2j * x ** 2, (crandn(2, 3), RNG.standard_normal(3))),
    "conj real imag abs angle": (lambda z: np.conj(z) * z.real + 1j * z.imag ** 2 + np.abs(z) * np.angle(z), (crandn(4),)),
    "reductions": (lambda z: np.sum(z ** 2, axis=0) + np.mean(z, axis=1)[0] * np.prod(z[:, 1]) + np.cumsum(z)[-1],
                   (crandn(3, 2),)),
    "dot matmul einsum vdot inner": (lambda a, b: a @ b + np.einsum("ij,jk->ik", a, b) + np.vdot(a[0], a[1]) * np.inner(a[0], b[:, 0])
                                     + np.dot(a, b), (A3, B3)),
    "where indexing updates": (lambda z: np.where(np.abs(z) > 1.0, z ** 2, np.conj(z))[[0, 2]]
                               + osc.numpy.set_at(z, 1, z[0] * 2j)[:2] + osc.numpy.add_at(z, [0, 0], z[2:] ** 2)[1:3], (crandn(4),)),
    "inv solve det slogdet": (lambda a, b: np.linalg.inv(a) @ b + np.linalg.solve(a, b) * np.linalg.det(a)
                              + np.linalg.slogdet(a)[1], (A3, B3)),
    "real input complex output": (lambda x: np.exp(1j * x) * x, (RNG.standard_normal(3),)),
    "stack concatenate reshape": (lambda z: np.concatenate([z, np.stack([z[0], 1j * z[1]])]).reshape(2, 3).T, (crandn(4),)),
}


@pytest.mark.parametrize("name", sorted(COMPLEX_CASES))
def test_complex_functions_against_finite_differences_in_four_nestings(name):
    fn, args = COMPLEX_CASES[name]
    check_grads(fn, args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", sorted(COMPLEX_CASES))
def test_vmap_and_jit_of_complex_functions(name):
    fn, args = COMPLEX_CASES[name]
    stacked = tuple(np.stack([a, 1.1 * a]) for a in args)
    batched = osc.vmap(fn)(*stacked)
    for i in range(2):
        np.testing.assert_allclose(np.asarray(batched)[i], fn(*(s[i] for s in stacked)), rtol=1e-12, atol=1e-12)
    jf = osc.jit(fn)
    for _ in range(2):
        np.testing.assert_allclose(jf(*args), fn(*args), rtol=1e-12, atol=1e-12)


def test_taylor_mode_of_a_complex_series():
    z0, v = np.complex128(0.3 + 0.2j), np.complex128(1.0)
    d = osc.derivatives_along(lambda z: np.exp(z) * np.sin(z), z0, v, 4)
    e, s, c = np.exp(z0), np.sin(z0), np.cos(z0)
    want = [e * s, e * (s + c), 2 * e * c, 2 * e * (c - s), -4 * e * s]
    np.testing.assert_allclose(d, want, rtol=1e-12)


def test_real_hessian_and_wirtinger_forms():
    H = crandn(3, 3)
    H = H + H.conj().T
    f = lambda z: np.real(np.conj(z) @ H @ z) + np.sum(np.abs(z) ** 4)  # noqa: E731
    z = crandn(3)
    R = osc.real_hessian(f)(z)
    g = lambda w: f(w[:3] + 1j * w[3:])  # noqa: E731
    w, h = np.concatenate([z.real, z.imag]), 1e-4
    E = np.eye(6)
    fd = np.array([[(g(w + h * (E[i] + E[j])) - g(w + h * (E[i] - E[j])) - g(w - h * (E[i] - E[j]))
                     + g(w - h * (E[i] + E[j]))) / (4 * h * h) for j in range(6)] for i in range(6)])
    np.testing.assert_allclose(R, fd, rtol=1e-6, atol=1e-6)
    W = osc.wirtinger_hessian(f)(z)
    # for zᴴ H z + Σ|z|⁴: ∂²/∂z∂z̄ = Hᵀ + diag(4|z|²), ∂²/∂z∂z = diag(2 z̄²)
    np.testing.assert_allclose(W.z_zbar, H.T + np.diag(4 * np.abs(z) ** 2), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(W.z_z, np.diag(2 * np.conj(z) ** 2), rtol=1e-10, atol=1e-12)


HERMITIAN = (lambda m: m @ m.conj().T + 3 * np.eye(3))(crandn(3, 3))


@pytest.mark.parametrize("name, fn", [
    ("eigvalsh", lambda a: np.linalg.eigvalsh(a)),
    ("eigh vectors up to phase", lambda a: np.abs(np.linalg.eigh(a)[1]) ** 2),
    ("eigh UPLO=U", lambda a: np.linalg.eigvalsh(a, UPLO="U") ** 2),
    ("cholesky", np.linalg.cholesky),
    ("slogdet", lambda a: np.linalg.slogdet(a)[1] + np.linalg.slogdet(a)[0]),
], ids=lambda v: v if isinstance(v, str) else "")
def test_hermitian_kernels_of_complex_matrices(name, fn):
    check_grads(fn, (HERMITIAN,), order=2)
    # Taylor mode (complex series) agrees with nested forward mode to order 3
    scalar = lambda a: np.sum(np.real(fn(a)))  # noqa: E731
    d = 0.1 * crandn(3, 3)
    want = line_derivatives(scalar, HERMITIAN, d, 3)
    np.testing.assert_allclose(osc.derivatives_along(scalar, HERMITIAN, d, 3), want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("a", [RNG.standard_normal((4, 4)), crandn(4, 4)], ids=["real", "complex"])
def test_eig_of_a_general_matrix(a):
    w, v = np.linalg.eig(a)
    ow, ov = osc.jvp(lambda m: np.linalg.eig(m), (a,), (np.zeros_like(a),))[0]
    np.testing.assert_allclose(ow, w, rtol=1e-12)
    assert ow.dtype.kind == "c"
    check_grads(lambda m: np.linalg.eigvals(m) ** 2, (a,), order=2)
    check_grads(lambda m: np.abs(np.linalg.eig(m)[1]) ** 2, (a,), order=2)  # (phase-free)
    # the derivative of an eigenvalue is uᵀ da v / uᵀ v with u the left eigenvector
    u = np.linalg.inv(v).T
    d = osc.jacfwd(lambda m: np.linalg.eigvals(m), holomorphic=np.iscomplexobj(a))(a)
    np.testing.assert_allclose(d[0], np.outer(u[:, 0], v[:, 0]), rtol=1e-9, atol=1e-12)


def test_holomorphic_hessian():
    z = crandn(3)
    H = osc.hessian(lambda z: np.sum(z ** 3) + z[0] * z[1], holomorphic=True)(z)
    want = np.diag(6 * z)
    want[0, 1] = want[1, 0] = 1.0
    np.testing.assert_allclose(H, want, rtol=1e-12)


def test_jacrev_of_a_complex_output_of_a_real_input():
    x = RNG.standard_normal(3)
    fn = lambda x: np.exp(1j * x) * x[::-1]  # noqa: E731
    np.testing.assert_allclose(osc.jacrev(fn)(x), osc.jacfwd(fn)(x), rtol=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda: osc.hessian(lambda z: np.sum(np.abs(z) ** 2))(crandn(2)), "real_hessian"),
    (lambda: osc.hvp(lambda z: np.sum(np.abs(z) ** 2), crandn(2), crandn(2)), "real_hessian"),
    (lambda: osc.grad(lambda z: np.sum(z ** 2))(crandn(2)), "holomorphic=True"),
    (lambda: osc.jacfwd(np.abs)(crandn(2)), "holomorphic=True"),
    (lambda: osc.grad(lambda z: z ** 2, holomorphic=True)(np.float64(1.0)), "needs complex inputs"),
    (lambda: osc.minimize(lambda z: np.sum(np.abs(z) ** 2), crandn(2)), "real coordinates"),
    (lambda: osc.least_squares(lambda z: z, crandn(2)), "real coordinates"),
    (lambda: osc.curvature(lambda z: np.sum(np.abs(z) ** 2), crandn(2)), "real coordinates"),
    (lambda: osc.jvp(np.sin, (np.ones(2),), (crandn(2),)), "tangent"),
])
def test_what_has_no_meaning_on_complex_values_says_so_in_one_line(call, match):
    with pytest.raises(TypeError, match=match) as info:
        call()
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- the Fourier transforms


X = RNG.standard_normal((3, 4))
Z = crandn(3, 4)
FFT_CALLS = [  # (name, args, kwargs)
    ("fft", (Z,), {}), ("fft", (Z,), {"n": 6, "axis": 0, "norm": "ortho"}), ("fft", (X,), {"n": 3}),
    ("ifft", (Z,), {"norm": "forward"}), ("ifft", (Z,), {"n": 2}),
    ("fft2", (Z,), {}), ("fft2", (Z,), {"s": (2, 5), "norm": "ortho"}), ("ifft2", (Z,), {"axes": (0, 1)}),
    ("fftn", (Z,), {"s": (4, 3), "axes": (1, 0)}), ("ifftn", (Z,), {"norm": "forward"}),
    ("rfft", (X,), {}), ("rfft", (X,), {"n": 7, "axis": 0, "norm": "ortho"}), ("rfft", (X,), {"n": 3}),
    ("irfft", (Z,), {}), ("irfft", (Z,), {"n": 7, "norm": "forward"}), ("irfft", (Z,), {"n": 3, "axis": 0}),
    ("rfft2", (X,), {}), ("irfft2", (Z,), {}), ("irfft2", (Z,), {"s": (2, 5), "norm": "ortho"}),
    ("rfftn", (X,), {"axes": (0,)}), ("irfftn", (Z,), {"s": (4, 6), "axes": (0, 1)}),
    ("hfft", (Z,), {}), ("hfft", (Z,), {"n": 5, "norm": "ortho"}), ("ihfft", (X,), {"norm": "forward"}),
    ("fftshift", (X,), {}), ("ifftshift", (Z,), {"axes": 1}),
]


@pytest.mark.parametrize("name, args, kwargs", FFT_CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(FFT_CALLS)])
def test_fft_values_and_derivatives(name, args, kwargs):
    numpy_fn = getattr(np.fft, name)
    fn = lambda a: numpy_fn(a, **kwargs)  # noqa: E731
    y, _ = osc.jvp(fn, args, tuple(np.zeros_like(a) for a in args))
    np.testing.assert_allclose(y, numpy_fn(*args, **kwargs), rtol=1e-12, atol=1e-12)
    check_grads(fn, args, order=2)
    # the transform is linear: its jvp is itself
    t = tuple(RNG.standard_normal(a.shape) * (1 + 1j) if np.iscomplexobj(a) else RNG.standard_normal(a.shape) for a in args)
    np.testing.assert_allclose(osc.jvp(fn, args, t)[1], numpy_fn(*t, **kwargs), rtol=1e-12, atol=1e-12)


def test_frequencies_are_numpys_constants():
    assert osc.numpy.fft.fftfreq is np.fft.fftfreq and osc.numpy.fft.rfftfreq is np.fft.rfftfreq


def test_a_bad_norm_is_refused_like_numpy():
    with pytest.raises(ValueError, match="Invalid norm"):
        osc.grad(lambda x: np.sum(np.abs(np.fft.fft(x, norm="unitary"))))(np.ones(3))


# --------------------------------------------------------------------------- three models


def test_power_spectrum_loss_hessian_is_the_circulant_form():
    n = 8
    w = RNG.uniform(0.5, 2.0, n // 2 + 1)
    loss = lambda x: np.sum(np.abs(np.fft.rfft(x)) ** 2 * w)  # noqa: E731
    x = RNG.standard_normal(n)
    H = osc.hessian(loss)(x)
    # Σ_k w_k |Σ_j x_j e^{-2πijk/n}|² = xᵀ A x with A_jl = Σ_k w_k cos(2πk(j-l)/n): H = 2A, circulant
    k = np.arange(n // 2 + 1)
    lag = np.subtract.outer(np.arange(n), np.arange(n))
    want = 2 * np.sum(w * np.cos(2 * np.pi * np.multiply.outer(lag, k) / n), axis=-1)
    np.testing.assert_allclose(H, want, rtol=1e-12, atol=1e-12)
    for mode in osc.HVP_MODES:
        np.testing.assert_allclose(osc.hvp(loss, x, x, mode=mode), want @ x, rtol=1e-10)


def test_phase_retrieval_gauss_newton_and_newton():
    n = 6
    truth = RNG.standard_normal(n)
    y = np.abs(np.fft.fft(truth)) ** 2
    residual = lambda x: np.abs(np.fft.fft(x)) ** 2 - y  # noqa: E731
    loss = lambda x: np.sum(residual(x) ** 2)  # noqa: E731
    # at a solution the residual vanishes and the Hessian is exactly the Gauss–Newton matrix 2 JᵀJ
    J = osc.jacfwd(residual)(truth)
    np.testing.assert_allclose(osc.jacrev(residual)(truth), J, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(osc.hessian(loss)(truth), 2 * J.T @ J, rtol=1e-10, atol=1e-8)
    # near it, Gauss–Newton steps (JᵀJ is singular along the trivial ambiguities: least squares)
    # and Newton's method in the least-squares driver converge to zero loss
    x = truth + 0.05 * RNG.standard_normal(n)
    for _ in range(8):
        Jx = osc.jacfwd(residual)(x)
        x = x + np.linalg.lstsq(Jx, -residual(x), rcond=None)[0]
    assert loss(x) < 1e-20
    res = osc.least_squares(residual, truth + 0.05 * RNG.standard_normal(n))
    assert res.cost < 1e-14 * np.sum(y ** 2)


def test_quantum_ground_state_energy_in_real_coordinates():
    n = 4
    M = crandn(n, n)
    Hm = M + M.conj().T
    energy = lambda psi: np.real(np.conj(psi) @ Hm @ psi) / np.real(np.conj(psi) @ psi)  # noqa: E731
    lam, V = np.linalg.eigh(Hm)
    psi0 = V[:, 0] * np.exp(0.4j)
    np.testing.assert_allclose(osc.grad(energy)(psi0), 0, atol=1e-12)
    R = osc.real_hessian(energy)(psi0)
    ev = np.sort(np.linalg.eigvalsh(R))
    # two flat directions (phase and scale), then each gap λ_k − λ_0 twice, times 2
    want = np.sort(np.concatenate([[0.0, 0.0], np.repeat(2 * (lam[1:] - lam[0]), 2)]))
    np.testing.assert_allclose(ev, want, atol=1e-10)
    # minimising in real coordinates from a random start finds the smallest eigenvalue
    g = lambda w: energy(w[:n] + 1j * w[n:])  # noqa: E731
    res = osc.minimize(g, RNG.standard_normal(2 * n))
    np.testing.assert_allclose(res.fun, lam[0], rtol=1e-9)


def test_a_complex_cotangent_after_a_real_one_widens_the_sum():
    """The backward sweep adds cotangents in place into a buffer it owns; the first
    contribution to a complex value may be real (float64), and a later complex one
    must widen the sum rather than fail to cast (second-order reverse mode over slices
    of a complex matrix once raised "Cannot cast ufunc 'add' output")."""
    def f(m):
        b = 0.5 * (m + np.conj(m).T)
        col = b[:, 0:2]
        d0 = col[0:2]
        low = np.linalg.solve(d0.T, col[2:].T).T
        rest = b[:, 2:3] - col @ np.linalg.solve(d0, np.conj(low).T)
        return np.real(np.diag(d0)).sum() + np.real(rest[2, 0])

    a = np.array([[0.3, 1.0, 2.0], [1.0, -0.2, 3.0], [2.0, 3.0, 0.1]]) + 0.1j * np.array(
        [[0, 1, 2], [-1, 0, 1], [-2, -1, 0]])
    check_grads(f, (a,), order=2, modes=("fwd", "rev"))
