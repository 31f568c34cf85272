"""Table rows for numpy.linalg on traced values (ad/numpy/linalg.py and the
decompositions of ad/prims/decompositions.py): svd, qr, lstsq, pinv,
matrix_power, cond, every norm, eigh with UPLO='U', multi_dot, tensorsolve,
tensorinv.  Each row is checked against finite differences to second order in
all four nestings by tests/test_ad_primitives.py and reused by vmap, jit and
sparsity detection; TAYLOR_ROWS join tests/test_taylor.py's table (order 5
against nested forward mode).

Singular vectors and the extra columns of a complete Q are not unique; rows
that compare raw vectors with finite differences use the ones NumPy returns,
which change smoothly with the input away from ties, and the complement
blocks are checked through their projections (U₂ U₂ᵀ), which are unique.
Inputs keep singular values distinct, matrices of full rank and entries away
from the kinks of the norms."""

from __future__ import annotations

import numpy as np

from _cases import away, distinct, general, normal, spd


def _reconstruct(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return (u * s[..., None, :]) @ vh


def _svd_complements(a):
    u, s, vh = np.linalg.svd(a)
    k = s.shape[-1]
    return u[..., :, k:] @ np.swapaxes(u[..., :, k:], -1, -2), np.swapaxes(vh[..., k:, :], -1, -2) @ vh[..., k:, :]


def _qr_complement(a):
    q, r = np.linalg.qr(a, mode="complete")
    n = a.shape[-1]
    return q[..., :, n:] @ np.swapaxes(q[..., :, n:], -1, -2), q[..., :, :n], r


def _nuclear_penalty(w, x, y):
    """A low-rank regression loss: squared error plus a nuclear-norm penalty."""
    return np.sum((x @ w - y) ** 2) + 0.5 * np.linalg.norm(w, "nuc")


def _not_symmetric(n):
    """A symmetric positive-definite matrix plus noise in the upper triangle only
    (eigh(a, 'U') reads that one, eigh(a) the other)."""
    base = spd(n)
    return lambda r: base(r) + np.triu(0.3 * r.standard_normal((n, n)), 1)


def _tensor_square(shape, batch_axes):
    """A well-conditioned tensor whose first ``batch_axes`` axes and the others
    form a square matrix."""
    rows = int(np.prod(shape[:batch_axes]))
    return lambda r: (r.standard_normal((rows, rows)) + 3.0 * np.eye(rows)).reshape(shape)


ROWS = [
    # svd: the values, the vectors NumPy returns, invariant functions of them
    ("svd", lambda a: np.linalg.svd(a, compute_uv=False), [normal(4, 3)], "values-tall"),
    ("svd", lambda a: np.linalg.svd(a)[1], [normal(3, 5)], "values-wide"),
    ("svd", lambda a: tuple(np.linalg.svd(a, full_matrices=False)), [normal(4, 3)], "reduced-tall"),
    ("svd", lambda a: tuple(np.linalg.svd(a, full_matrices=False)), [normal(2, 4)], "reduced-wide"),
    ("svd", lambda a: np.linalg.svd(a).U[:, :3] * np.linalg.svd(a).Vh[0], [normal(3, 3)], "square-full"),
    ("svd", _reconstruct, [normal(4, 3)], "reconstruct"),
    ("svd", _svd_complements, [normal(4, 2)], "full-tall-complement"),
    ("svd", _svd_complements, [normal(2, 4)], "full-wide-complement"),
    ("svd", lambda a: (np.linalg.svd(a, full_matrices=False).U ** 2, np.linalg.svd(a).S), [normal(2, 4, 3)], "batched"),
    ("svd", _svd_complements, [normal(2, 3, 2)], "batched-complement"),
    ("svd", np.linalg.svdvals, [normal(3, 4)], "svdvals"),
    ("svd", _nuclear_penalty, [normal(3, 2), normal(5, 3), normal(5, 2)], "nuclear-penalty"),
    # qr: every mode, tall, wide, square and stacked
    ("qr", lambda a: tuple(np.linalg.qr(a)), [normal(4, 3)], "reduced-tall"),
    ("qr", lambda a: tuple(np.linalg.qr(a)), [normal(3, 5)], "reduced-wide"),
    ("qr", lambda a: tuple(np.linalg.qr(a, mode="complete")), [general(3)], "complete-square"),
    ("qr", lambda a: tuple(np.linalg.qr(a, mode="complete")), [normal(2, 4)], "complete-wide"),
    ("qr", _qr_complement, [normal(4, 2)], "complete-tall"),
    ("qr", lambda a: np.linalg.qr(a, mode="r"), [normal(4, 3)], "r"),
    ("qr", lambda a: tuple(np.linalg.qr(a)), [normal(2, 4, 3)], "batched"),
    # least squares and the pseudo-inverse
    ("lstsq", lambda a, b: np.linalg.lstsq(a, b)[0], [normal(5, 3), normal(5)], "solution"),
    ("lstsq", lambda a, b: np.linalg.lstsq(a, b)[0], [normal(5, 2), normal(5, 3)], "solution-matrix"),
    ("lstsq", lambda a, b: np.linalg.lstsq(a, b)[1], [normal(5, 3), normal(5, 2)], "residuals"),
    ("lstsq", lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0], [normal(2, 4), normal(2)], "minimum-norm"),
    ("lstsq", lambda a, b: np.linalg.lstsq(a, b)[3] * np.linalg.lstsq(a, b)[2], [normal(4, 3), normal(4)], "rank-s"),
    ("pinv", np.linalg.pinv, [normal(4, 3)], "tall"),
    ("pinv", np.linalg.pinv, [normal(2, 4)], "wide"),
    ("pinv", lambda a: np.linalg.pinv(a, rtol=1e-10), [general(3, 2)], "batched-rtol"),
    ("pinv", lambda a: np.linalg.pinv(a, rtol=None), [normal(3, 2)], "rtol-none"),
    # products
    ("matrix_power", lambda a: np.linalg.matrix_power(a, 3), [normal(3, 3)], "3"),
    ("matrix_power", lambda a: np.linalg.matrix_power(a, 6), [normal(2, 2, 2)], "6-batched"),
    ("matrix_power", lambda a: np.linalg.matrix_power(a, -2), [general(3)], "-2"),
    ("matrix_power", lambda a: np.linalg.matrix_power(a, 1) + np.linalg.matrix_power(a, 0), [normal(3, 3)], "1-and-0"),
    ("multi_dot", lambda a, b, c: np.linalg.multi_dot([a, b, c]), [normal(2, 3), normal(3, 4), normal(4, 2)], "3"),
    ("multi_dot", lambda v, b, c, w: np.linalg.multi_dot([v, b, c, w]), [normal(3), normal(3, 4), normal(4, 2), normal(2)],
     "vectors"),
    ("tensorsolve", np.linalg.tensorsolve, [_tensor_square((2, 3, 6), 2), normal(2, 3)], "tensorsolve"),
    ("tensorsolve", lambda a, b: np.linalg.tensorsolve(a, b, axes=(0,)), [_tensor_square((4, 2, 2), 1), normal(2, 2)],
     "axes"),
    ("tensorinv", lambda a: np.linalg.tensorinv(a, ind=1), [_tensor_square((4, 2, 2), 1)], "ind1"),
    ("tensorinv", np.linalg.tensorinv, [_tensor_square((2, 3, 6), 2)], "ind2"),
    # condition numbers
    ("cond", np.linalg.cond, [normal(4, 3)], "2"),
    ("cond", lambda a: np.linalg.cond(a, -2), [normal(2, 3, 3)], "-2-batched"),
    ("cond", lambda a: (np.linalg.cond(a, 1), np.linalg.cond(a, -1)), [general(3)], "1"),
    ("cond", lambda a: (np.linalg.cond(a, np.inf), np.linalg.cond(a, -np.inf)), [general(3)], "inf"),
    ("cond", lambda a: (np.linalg.cond(a, "fro"), np.linalg.cond(a, "nuc")), [general(3)], "fro-nuc"),
    # norms: every vector and matrix order, axis tuples, keepdims
    ("norm", lambda x: np.linalg.norm(x, 0) * x, [away(4)], "vector-ord0"),
    ("norm", lambda x: np.linalg.norm(x, 3), [away(4)], "vector-ord3"),
    ("norm", lambda x: np.linalg.norm(x, 0.5, axis=0), [away(3, 2)], "vector-ord0.5"),
    ("norm", lambda x: np.linalg.norm(x, -1.5, axis=-1, keepdims=True), [away(2, 3)], "vector-negative"),
    ("norm", lambda x: np.linalg.norm(x, -np.inf), [distinct(4)], "vector-minus-inf"),
    ("norm", lambda x: np.linalg.norm(x, 1, axis=(0, 1)), [away(3, 4)], "matrix-1"),
    ("norm", lambda x: np.linalg.norm(x, -1), [away(3, 4)], "matrix-minus-1"),
    ("norm", lambda x: np.linalg.norm(x, np.inf, axis=(1, 0)), [away(3, 4)], "matrix-inf"),
    ("norm", lambda x: np.linalg.norm(x, -np.inf, keepdims=True), [away(3, 4)], "matrix-minus-inf"),
    ("norm", lambda x: np.linalg.norm(x, 2), [normal(3, 4)], "matrix-2"),
    ("norm", lambda x: np.linalg.norm(x, -2), [normal(4, 3)], "matrix-minus-2"),
    ("norm", lambda x: np.linalg.norm(x, "nuc"), [normal(3, 4)], "nuclear"),
    ("norm", lambda x: np.linalg.norm(x, "nuc", axis=(2, 0), keepdims=True), [normal(3, 2, 4)], "nuclear-axes"),
    ("norm", lambda x: np.linalg.norm(x, "fro", axis=(0, 2)), [normal(2, 3, 4)], "fro-axes"),
    ("norm", lambda x: np.linalg.norm(x, 1, axis=(2, 1)), [away(2, 3, 4)], "matrix-1-axes"),
    ("norm", lambda x: np.linalg.vector_norm(x, axis=(0, 2), ord=3), [away(2, 3, 2)], "vector_norm"),
    ("norm", lambda x: np.linalg.vector_norm(x, keepdims=True), [normal(2, 3)], "vector_norm-flat"),
    ("norm", lambda x: np.linalg.matrix_norm(x, ord="nuc", keepdims=True), [normal(2, 3, 3)], "matrix_norm"),
    # symmetric eigenproblems reading the upper triangle; cholesky's upper factor
    ("eigh", lambda a: np.linalg.eigh(a, UPLO="U")[0], [_not_symmetric(3)], "upper-values"),
    ("eigh", lambda a: np.linalg.eigh(a, UPLO="U").eigenvectors, [_not_symmetric(3)], "upper-vectors"),
    ("eigh", lambda a: np.linalg.eigvalsh(a, UPLO="U"), [_not_symmetric(4)], "eigvalsh-upper"),
    ("cholesky", lambda a: np.linalg.cholesky(a, upper=True), [_not_symmetric(3)], "upper"),
    ("matrix_rank", lambda a: np.linalg.matrix_rank(a) * a, [normal(3, 4)], "matrix_rank"),
]

TAYLOR_ROWS = [
    ("svd", lambda a: tuple(np.linalg.svd(a, full_matrices=False)), [normal(4, 3)], 0.3, True),
    ("svd", lambda a: tuple(np.linalg.svd(a)), [normal(2, 4)], 0.3, False),  # the complement's convention
    ("svd", lambda a: tuple(np.linalg.svd(a)), [normal(3, 2)], 0.3, False),
    ("svd", lambda a: np.linalg.norm(a, "nuc"), [normal(3, 4)], 0.3, True),
    ("qr", lambda a: tuple(np.linalg.qr(a)), [normal(4, 3)], 0.3, True),
    ("qr", lambda a: tuple(np.linalg.qr(a)), [normal(2, 3)], 0.3, True),
    ("qr", lambda a: tuple(np.linalg.qr(a, mode="complete")), [normal(4, 2)], 0.3, False),
    ("pinv", np.linalg.pinv, [normal(4, 3)], 0.3, True),
    ("lstsq", lambda a, b: np.linalg.lstsq(a, b)[:2], [normal(4, 2), normal(4)], 0.3, True),
    ("cond", lambda a: np.linalg.cond(a) + np.linalg.cond(a, 1), [general(3)], 0.3, True),
    ("eigh", lambda a: tuple(np.linalg.eigh(a, UPLO="U")), [_not_symmetric(3)], 0.3, False),
    ("norm", lambda x: np.linalg.norm(x, -1.5) + np.linalg.norm(x, 3), [away(4)], 0.1, True),
    ("matrix_power", lambda a: np.linalg.matrix_power(a, -3), [general(2)], 0.3, True),
    ("multi_dot", lambda a, b, c: np.linalg.multi_dot([a, b, c]), [normal(3), normal(3, 2), normal(2, 4)], 0.3, True),
    ("tensorsolve", np.linalg.tensorsolve, [_tensor_square((2, 2, 4), 2), normal(2, 2)], 0.3, True),
]
