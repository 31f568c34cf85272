"""SciPy's B-spline prefilter (``scipy.ndimage.spline_filter1d``) as a primitive.

Interpolating with a spline of order 2 to 5 first turns the samples into
spline coefficients: along each axis, the inverse of the banded matrix that
samples a spline at the grid points.  SciPy computes it in O(n) with
recursive filters; as a dense matrix it would cost O(n²) memory and O(n²)
time per line, which on a 1024 × 1024 image took 5 s per gradient.

The filter is linear, so its jvp and Taylor rules apply it to the tangent
and to every coefficient.  Its adjoint: the sampling matrix of the
whole-sample-symmetric extension (modes ``mirror``, ``wrap``, ``constant``,
``grid-constant``, which SciPy prefilters alike) is symmetric once its first
and last columns are halved, so the filter ``L`` satisfies
``Lᵀ = E⁻¹ L E`` with ``E = diag(2, 1, ..., 1, 2)``; for the half-sample
modes (``reflect``, ``nearest``, ``grid-mirror``) and the periodic
``grid-wrap`` it is symmetric (``E = I``).  SciPy starts its recursions
with sums truncated at its tolerance, which are exact only from about 30
samples on: shorter axes are filtered by the dense matrix instead (see
:mod:`osculate.ad.scipy.ndimage`).

Sparsity: every output may depend on every input (dense; in fact only
along the filtered axis).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as _snd

from .. import sparsity
from .structural import linear, shape_of

__all__ = ["spline_prefilter_p", "spline_prefilter", "WHOLE_SAMPLE_MODES"]

#: The modes whose prefilter is that of the whole-sample-symmetric extension (``mirror``).
WHOLE_SAMPLE_MODES = frozenset({"mirror", "wrap", "constant", "grid-constant"})


def _impl(x, degree, axis, mode):
    return _snd.spline_filter1d(x, degree, axis=axis, mode=mode,
                                output=np.complex128 if np.iscomplexobj(x) else np.float64)


def _end_weights(x, axis, mode):
    """``E`` of the module's documentation along ``axis``, shaped to broadcast against ``x``."""
    shape = shape_of(x)
    w = np.ones(shape[axis])
    if mode in WHOLE_SAMPLE_MODES and shape[axis] > 1:
        w[0] = w[-1] = 2.0
    return w.reshape((-1,) + (1,) * (-axis - 1))


def _adjoint(ct, x, degree, axis, mode):
    w = _end_weights(x, axis, mode)
    return spline_prefilter_p.bind(ct * w, degree=degree, axis=axis, mode=mode) / w


spline_prefilter_p = linear(
    "spline_prefilter", _impl, _adjoint,
    batch=lambda vals, b, size, **params: spline_prefilter_p.bind(vals[0], **params),  # (axis counts from the end)
    sparsity_rule=sparsity.dense_linear_rule,
)


def spline_prefilter(x, order, axis, mode):
    """SciPy's prefilter of order ``order`` (2 to 5) along ``axis`` in ``mode`` (the
    primitive's parameter is ``degree``: Taylor rules take ``order`` for themselves)."""
    axis = axis - len(shape_of(x)) if axis >= 0 else axis
    return spline_prefilter_p.bind(x, degree=order, axis=axis, mode=mode)
