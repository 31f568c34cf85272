"""The discrete Fourier transforms as primitives: one primitive per family,
``fft``, ``ifft``, ``rfft`` and ``irfft``, each over any set of axes.

Parameters, resolved by :mod:`osculate.ad.numpy.fft` the way NumPy resolves
them: ``s`` the transform lengths (the input is zero-padded or truncated to
them along ``axes``), ``axes`` as negative axes (so a batch axis in front
changes nothing), ``norm`` one of "backward", "ortho", "forward".

Every transform is linear over the reals, so the jvp applies it to the
tangent and Taylor mode to every coefficient (:func:`.structural.linear`).
The adjoints, under osculate's pairing of cotangents with tangents,
``Re(sum(c * t))`` (no conjugation):

* ``fft``/``ifft``: the DFT matrix is symmetric, so the adjoint of
  "fit to ``s``, transform" is "transform with the same norm, fit back".
* ``rfft`` (real input): the half spectrum of ``fft``; the adjoint
  zero-extends the cotangent to the full length, transforms, and keeps the
  real part.
* ``irfft`` (real output): ``x = Σ_k w_k Re(X_k e^{2πijk/n}) / n`` with
  ``w_k = 1`` for the first and (``n`` even) the Nyquist term and 2 for the
  others; its adjoint is ``w ⊙ ifft(c)`` on the half spectrum (the
  imaginary parts of the first and the Nyquist term have no effect on the
  output, and get no cotangent from the real part of the pairing).

Sparsity: every output element of a transform may depend on every input
element along the transformed axes: a dense linear pattern.
"""

from __future__ import annotations

import numpy as np

from .. import sparsity
from .complex_parts import real
from .structural import concatenate, getitem, linear, shape_of

__all__ = ["fft_p", "ifft_p", "rfft_p", "irfft_p", "fit"]

NORMS = ("backward", "ortho", "forward")


def fit(x, axes, sizes):
    """``x`` zero-padded or truncated (at the end) to ``sizes`` along ``axes``."""
    for axis, size in zip(axes, sizes):
        shape = shape_of(x)
        have = shape[axis]
        if have > size:
            idx = [slice(None)] * len(shape)
            idx[axis] = slice(0, size)
            x = getitem(x, tuple(idx))
        elif have < size:
            pad_shape = list(shape)
            pad_shape[axis] = size - have
            x = concatenate([x, np.zeros(pad_shape, dtype=x.dtype)], axis=axis % len(shape))
    return x


def _sizes(x, axes):
    shape = shape_of(x)
    return tuple(shape[a] for a in axes)


def _transform(name, numpy_fn, adjoint):
    p = linear(
        name,
        lambda x, s, axes, norm: numpy_fn(x, s=s, axes=axes, norm=norm),
        adjoint,
        batch=lambda vals, b, size, **params: p.bind(vals[0], **params),  # axes count from the end
        sparsity_rule=sparsity.dense_linear_rule,
    )
    return p


# fft and ifft: symmetric matrices, so the adjoint is the same transform, then the input's lengths
fft_p = _transform(
    "fft", np.fft.fftn,
    lambda ct, x, s, axes, norm: fit(fft_p.bind(ct, s=s, axes=axes, norm=norm), axes, _sizes(x, axes)),
)
ifft_p = _transform(
    "ifft", np.fft.ifftn,
    lambda ct, x, s, axes, norm: fit(ifft_p.bind(ct, s=s, axes=axes, norm=norm), axes, _sizes(x, axes)),
)


def _rfft_adjoint(ct, x, s, axes, norm):
    full = fit(ct, axes[-1:], s[-1:])  # the half spectrum, zero-extended to the full length
    return real(fit(fft_p.bind(full, s=s, axes=axes, norm=norm), axes, _sizes(x, axes)))


rfft_p = _transform("rfft", np.fft.rfftn, _rfft_adjoint)


def _irfft_adjoint(ct, x, s, axes, norm):
    n = s[-1]
    half = n // 2 + 1
    c = fit(ifft_p.bind(ct, s=s, axes=axes, norm=norm), axes[-1:], (half,))
    w = np.full(half, 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    w = w.reshape((half,) + (1,) * (-axes[-1] - 1))  # along the last transformed axis
    return fit(c * w, axes, _sizes(x, axes))


irfft_p = _transform("irfft", np.fft.irfftn, _irfft_adjoint)
