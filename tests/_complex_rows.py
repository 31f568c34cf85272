"""Table rows with complex inputs, written as a user writes them (plain NumPy
calls on complex arrays), for ``tests/test_complex_registry.py``.  (Not a
``rows_*.py`` module: those join the real-input tables of
``test_ad_primitives``, which draw real arguments.)

Each row is ``(id, fn, argmakers)``; an argmaker draws one argument from a
seeded generator.  Domains keep away from branch cuts and singularities
(``log``, ``sqrt`` and ``**`` near the positive real axis; ``arcsin``,
``arccos``, ``arctanh`` inside the unit disc; ``arccosh`` near ``2``).
"""

from __future__ import annotations

import numpy as np
from scipy import special

import osculate as osc
import osculate.numpy as onp
import osculate.scipy.linalg as osl
from osculate.ad.prims.filters import spline_prefilter


def cn(*shape, scale=1.0, center=0.0):
    """Complex normal entries (real and imaginary parts both random)."""
    def make(r):
        return center + scale * (r.standard_normal(shape) + 1j * r.standard_normal(shape))
    return make


def rn(*shape):
    """A real argument, for mixed real/complex arithmetic."""
    return lambda r: r.standard_normal(shape)


def cmat(n, *batch):
    """A complex matrix away from singular: complex normal plus ``3 I``."""
    return lambda r: r.standard_normal(batch + (n, n)) + 1j * r.standard_normal(batch + (n, n)) + 3.0 * np.eye(n)


def herm(n):
    """A Hermitian positive-definite matrix with separated eigenvalues."""
    def make(r):
        m = r.standard_normal((n, n)) + 1j * r.standard_normal((n, n))
        q = np.linalg.qr(m)[0]
        return (q * np.arange(1.0, n + 1.0) * 1.5) @ q.conj().T
    return make


near1 = cn(3, scale=0.3, center=1.5)  # the right half-plane: log, sqrt, ** have no branch cut there
small = cn(3, scale=0.3)  # inside the unit disc
IDX = np.array([2, 0, 0, 1])


def _ck(fn):  # checkpoint: the rematerialised primitive on complex values
    return osc.checkpoint(fn)


@osc.custom_jvp
def _cube(z):
    return z ** 3


@_cube.defjvp
def _cube_jvp(primals, tangents):
    (z,), (t,) = primals, tangents
    return z ** 3, 3 * z ** 2 * t


@osc.custom_vjp
def _sq(z):
    return z * z


def _sq_fwd(z):
    return z * z, z


def _sq_bwd(z, ct):
    return (2 * z * ct,)


_sq.defvjp(_sq_fwd, _sq_bwd)

ROWS = [
    # elementwise holomorphic functions
    ("exp", np.exp, [cn(3)]),
    ("expm1", np.expm1, [small]),
    ("exp2", np.exp2, [cn(3)]),
    ("log", np.log, [near1]),
    ("log1p", np.log1p, [near1]),
    ("log2", np.log2, [near1]),
    ("log10", np.log10, [near1]),
    ("sqrt", np.sqrt, [near1]),
    ("square", np.square, [cn(2, 3)]),
    ("reciprocal", np.reciprocal, [near1]),
    ("positive", np.positive, [cn(3)]),
    ("negative", np.negative, [cn(3)]),
    ("sin", np.sin, [cn(3)]),
    ("cos", np.cos, [cn(3)]),
    ("tan", np.tan, [small]),
    ("arcsin", np.arcsin, [small]),
    ("arccos", np.arccos, [small]),
    ("arctan", np.arctan, [small]),
    ("sinh", np.sinh, [cn(3)]),
    ("cosh", np.cosh, [cn(3)]),
    ("tanh", np.tanh, [small]),
    ("arcsinh", np.arcsinh, [small]),
    ("arccosh", np.arccosh, [cn(3, scale=0.3, center=2.0)]),
    ("arctanh", np.arctanh, [small]),
    # SciPy's special functions that have complex loops (holomorphic: their rules hold as written)
    ("erf-erfc", lambda z: special.erf(z) * special.erfc(z), [small]),
    ("ndtr", special.ndtr, [small]),
    ("erfcx-dawsn", lambda z: special.erfcx(z) * special.dawsn(z), [small]),
    ("exp1-expi", lambda z: special.exp1(z) + special.expi(z), [near1]),
    ("fresnel", lambda z: special.fresnel(z)[0] * special.fresnel(z)[1], [small]),
    ("lambertw", lambda z: special.lambertw(z) + special.lambertw(z, k=-1), [small]),
    ("wofz", special.wofz, [small]),
    ("hankel", lambda z: special.hankel1(0.5, z + 2.0) * special.hankel2(1.5, z + 2.0), [small]),
    ("hankel-scaled", lambda z: special.hankel1e(2.0, z + 3.0) - special.hankel2e(0.0, z + 3.0), [small]),
    ("sici-shichi", lambda z: special.sici(z)[0] * special.sici(z)[1] + special.shichi(z)[0] * special.shichi(z)[1],
     [near1]),
    # arithmetic, complex with complex and with real
    ("add", lambda z, w: z + w, [cn(2, 3), cn(3)]),
    ("sub", lambda z, x: z - x + (x - z) * 2j, [cn(2, 3), rn(3)]),
    ("mul", lambda z, w: z * w * 1.5j, [cn(2, 3), cn(2, 1)]),
    ("divide", lambda z, w: z / w + np.divide(1.0, w), [cn(3), near1]),
    ("divide-real", lambda z, x: z / (x + 3.0) + x / (z + 3.0), [cn(3), rn(3)]),
    ("power-int", lambda z: z ** 3 + z ** -2, [near1]),
    ("power-complex-exponent", lambda z, p: z ** p, [near1, cn(3, scale=0.5)]),
    ("power-complex-base-real-exponent", lambda z, x: np.power(z, x), [near1, rn(3)]),
    ("power-real-base-complex-exponent", lambda p: 2.0 ** p, [cn(3)]),
    ("power-constant-complex-exponent", lambda z: z ** (1.5 - 0.5j) + np.power(z, np.complex128(2.0)), [near1]),
    # the parts of a complex number
    ("real-imag-conj", lambda z: np.real(z) * np.imag(z) + np.conj(z) ** 2 + z.real + 1j * z.imag, [cn(3)]),
    ("abs-angle", lambda z: np.abs(z) ** 3 + np.angle(z) * abs(z), [near1]),
    ("compare", lambda z, w: np.where((z == w[0]) | (z != z[1]), z ** 2, w) * np.isfinite(z)
     + np.isnan(z) + np.isinf(w), [cn(4), cn(4)]),
    ("sign", lambda z: np.sign(z) * z ** 2, [cn(4)]),
    ("where", lambda z, w: np.where(np.abs(z) > 1.0, z ** 2, w * z), [cn(4), cn(4)]),
    ("stop-gradient", lambda z: z ** 2 + onp.stop_gradient(z) - onp.stop_gradient(z), [cn(3)]),
    ("astype", lambda z: z.astype(np.complex128) * z, [cn(3)]),
    ("astype-from-real", lambda x: (x.astype(np.complex128) + 1j) ** 2, [rn(3)]),
    # reductions
    ("sum-mean", lambda z: np.sum(z ** 2, axis=0) + np.mean(z, axis=1)[0], [cn(3, 2)]),
    ("prod", lambda z: np.prod(z, axis=1), [cn(3, 4)]),
    ("cumsum", lambda z: np.cumsum(z, axis=0) ** 2, [cn(3, 2)]),
    ("cumprod", lambda z: np.cumprod(z, axis=1), [cn(2, 4)]),
    ("var", lambda z: np.var(z) + np.std(z), [cn(5)]),
    ("cov-corrcoef", lambda a: np.cov(a) + np.corrcoef(a) * np.cov(a, aweights=np.arange(1.0, 5.0))[0, 1],
     [cn(3, 4)]),
    ("norm", lambda z, a: np.linalg.norm(z) + np.linalg.norm(a, 1) * np.linalg.norm(a), [cn(4), cn(2, 3)]),
    ("diff-polyval-kron", lambda z: np.diff(z ** 2) * np.polyval(z, z[0]) + np.kron(z[:1], z[1:]), [cn(4)]),
    # structure
    ("reshape-transpose", lambda z: z.reshape(3, 2).T ** 2, [cn(2, 3)]),
    ("flip-roll", lambda z: np.flip(z, axis=1) * np.roll(z, 1), [cn(2, 3)]),
    ("tile-repeat", lambda z: np.tile(z, 2) * np.repeat(z, 2), [cn(3)]),
    ("concatenate-stack", lambda z, w: np.concatenate([z, w ** 2]) + np.stack([z, w]).sum(0).repeat(2), [cn(3), cn(3)]),
    ("broadcast", lambda z: np.broadcast_to(z, (2, 3)) * z[:, None, None], [cn(3)]),
    ("diag-triu", lambda a: np.diag(a) * np.triu(a) @ np.tril(a), [cn(3, 3)]),
    ("getitem", lambda z: z[IDX] * z[::-1][0] + z[1:3].sum(), [cn(4)]),
    ("set-add-at", lambda z, w: onp.set_at(z, 1, w[0] * z[0]) + onp.add_at(z, IDX, w ** 2)[:4], [cn(4), cn(4)]),
    ("setitem", lambda z: _setitem(z), [cn(4)]),
    # linear algebra
    ("matmul", lambda a, b: a @ b + np.dot(a, b) + np.vdot(a[0], b[:, 0]), [cn(3, 3), cn(3, 2)]),
    ("matmul-real-complex", lambda a, x: a @ x + x.T @ a, [cn(3, 3), rn(3, 3)]),
    ("einsum", lambda a, b: np.einsum("ij,jk,k->i", a, b, b[0]), [cn(2, 3), cn(3, 3)]),
    ("outer-trace", lambda z, w: np.outer(z, w) * np.trace(np.outer(w, z)), [cn(3), cn(3)]),
    ("inv", np.linalg.inv, [cmat(3)]),
    ("solve", np.linalg.solve, [cmat(3), cn(3, 2)]),
    ("det", np.linalg.det, [cmat(3)]),
    ("slogdet", lambda a: np.linalg.slogdet(a)[1] * np.linalg.slogdet(a)[0], [cmat(3)]),
    ("cholesky", np.linalg.cholesky, [herm(3)]),
    ("eigh", lambda a: np.linalg.eigvalsh(a) + np.sum(np.abs(np.linalg.eigh(a)[1]) ** 2 * np.arange(3.0), axis=1),
     [herm(3)]),
    ("eig", lambda a: np.linalg.eigvals(a) ** 2 + np.sum(np.abs(np.linalg.eig(a)[1]) ** 2, axis=0), [cmat(3)]),
    ("svd", lambda a: np.linalg.svd(a, compute_uv=False) + np.sum(np.abs(np.linalg.svd(a)[0]) ** 2, axis=0), [cmat(3)]),
    ("qr", lambda a: np.linalg.qr(a)[1], [cmat(3)]),
    ("schur", lambda a: sum(np.real(x * np.conj(x)) for x in osl.schur(a)), [cmat(3)]),
    ("pinv", np.linalg.pinv, [cmat(3)]),
    ("eigh-upper", lambda a: np.linalg.eigvalsh(a, UPLO="U") + np.abs(np.linalg.eigh(a, UPLO="U")[1][0]) ** 2,
     [herm(3)]),
    ("solve_triangular", lambda a, b: osl.solve_triangular(np.triu(a), b), [cmat(3), cn(3, 2)]),
    ("lu", lambda a: osl.lu(a)[1] + osl.lu(a)[2] + osl.lu(a)[0] @ a, [cmat(3)]),
    ("lu_solve", lambda a, b: osl.lu_solve(osl.lu_factor(a), b), [cmat(3), cn(3, 2)]),
    ("expm", lambda a: osl.expm(0.3 * a), [cmat(3)]),
    ("sylvester", lambda a, b, q: osl.solve_sylvester(a, b, q), [cmat(3), cmat(2), cn(3, 2)]),
    ("continuous_lyapunov", lambda a, q: osl.solve_continuous_lyapunov(a, q), [cmat(3), cn(3, 3)]),
    ("discrete_lyapunov", lambda a, q: osl.solve_discrete_lyapunov(0.2 * a, q), [cn(3, 3), cn(3, 3)]),
    ("continuous_are", lambda a, b, q: osl.solve_continuous_are(a, b, q @ q.conj().T + np.eye(2), np.eye(1)),
     [cn(2, 2), cn(2, 1), cn(2, 2)]),
    ("discrete_are", lambda a, b, q: osl.solve_discrete_are(a, b, q @ q.conj().T + np.eye(2), np.eye(1)),
     [cn(2, 2), cn(2, 1), cn(2, 2)]),
    ("solve_banded", lambda ab, b: osl.solve_banded((1, 1), ab + np.array([[0.0], [4.0], [0.0]]), b),
     [cn(3, 4, scale=0.5), cn(4, 2)]),
    ("solveh_banded", lambda ab, b: osl.solveh_banded(ab + np.array([[0.0], [4.0]]), b), [cn(2, 4, scale=0.5), cn(4)]),
    ("cho_solve_banded", lambda cb, b: osl.cho_solve_banded((cb + np.array([[2.0], [0.0]]), True), b),
     [cn(2, 4, scale=0.5), cn(4, 2)]),
    ("solve_toeplitz", lambda c, r, b: osl.solve_toeplitz((c + np.array([3.0, 0.0, 0.0]), r), b),
     [cn(3, scale=0.4), cn(3, scale=0.4), cn(3, 2)]),
    # Fourier transforms
    ("fft", lambda z: np.fft.fft(z) * np.fft.ifft(z, n=5)[:4], [cn(4)]),
    ("fft2", lambda z: np.fft.fft2(z, norm="ortho") + np.fft.ifftn(z ** 2), [cn(2, 3)]),
    ("irfft", lambda z: np.fft.irfft(z, n=6) ** 2, [cn(4)]),
    ("hfft", lambda z: np.fft.hfft(z) ** 2, [cn(3)]),
    ("fftshift", lambda z: np.fft.fftshift(z) * np.fft.ifftshift(z), [cn(5)]),
    ("spline_prefilter", lambda z: spline_prefilter(z * z, 3, 0, "mirror"), [cn(33)]),
    # user rules
    ("custom_jvp", lambda z: _cube(z) * z, [cn(3)]),
    ("custom_vjp", lambda z: _sq(z) * z, [cn(3)]),
    ("checkpoint", lambda z: _ck(lambda u: np.sin(u) * u)(z) ** 2, [cn(3)]),
]


def _setitem(z):
    y = z * 1.0
    y[[0, 3]] = z[1:3] ** 2
    y[1] = 2j * z[0]
    return y * z
