"""``scipy.fft`` on traced values, with SciPy's signatures.

SciPy's transforms convert their input with ``np.asarray``, so plain
``scipy.fft.fft(tracer)`` cannot see a traced value (its error names this
module).  These are :mod:`osculate.numpy.fft`'s transforms behind SciPy's
signatures: ``overwrite_x``, ``workers`` and ``plan`` are accepted and have
no effect (values are never overwritten; ``plan`` must be None).

>>> import numpy as np, osculate as osc
>>> from osculate.scipy import fft
>>> float(osc.grad(lambda x: np.sum(np.abs(fft.rfft(x)) ** 2))(np.array([1.0, 0.0, 0.0]))[0])
4.0
"""

from __future__ import annotations

import functools as _functools

from ..numpy import fft as _np_fft

__all__ = [
    "fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
    "hfft", "ihfft", "fftshift", "ifftshift", "fftfreq", "rfftfreq",
]


def _scipy_signature(fn):
    @_functools.wraps(fn)
    def wrapped(x, *args, overwrite_x=False, workers=None, plan=None, **kwargs):
        if plan is not None:
            raise NotImplementedError(f"osculate.scipy.fft.{fn.__name__}: plan= is not supported (pass None)")
        return fn(x, *args, **kwargs)

    return wrapped


for _name in __all__:
    _fn = getattr(_np_fft, _name)
    globals()[_name] = _fn if _name in ("fftshift", "ifftshift", "fftfreq", "rfftfreq") else _scipy_signature(_fn)
