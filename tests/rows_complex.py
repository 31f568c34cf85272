"""Table rows for complex intermediates and the Fourier transforms
(``osculate.ad.prims.complex_parts``, ``osculate.ad.prims.fft``): real inputs
and outputs with complex values inside, so the shared tables (finite
differences in four nestings, vmap, jit, sparsity, Taylor mode) run them.
``tests/test_complex.py`` checks complex inputs and outputs themselves."""

from __future__ import annotations

import numpy as np

from _cases import general, normal, uniform

_W = np.array([0.5, 1.0, 2.0, 1.5])

ROWS = [
    ("real-imag-conj", lambda x, y: np.real((x + 1j * y) ** 2) * np.imag(np.conj(x + 1j * y) * np.exp(1j * x)),
     [normal(2, 3), normal(2, 3)], ""),
    ("abs-angle", lambda x, y: np.abs(np.sin(x + 1j * y)) + np.angle(np.exp(x + 0.5j * y) + 2.0),
     [normal(3), uniform(-0.5, 0.5, 3)], ""),
    ("complex-linalg", lambda a: np.real(np.linalg.det(a + 0.3j * a.T) + np.trace(np.linalg.inv(a + 1j * np.eye(3)))),
     [lambda r: r.standard_normal((3, 3)) + 3.0 * np.eye(3)], ""),
    ("eig", lambda a: np.real(np.sum(np.linalg.eigvals(a) ** 3)) + np.sum(np.abs(np.linalg.eig(a)[1]) ** 2 * a),
     [general(3)], ""),
    ("fft", lambda x: np.abs(np.fft.fft(x)) ** 2, [normal(5)], ""),
    ("fft", lambda x: np.real(np.fft.fft2(x * np.exp(1j * x), s=(2, 5)) * np.fft.ifft(x, n=5, axis=1, norm="ortho")),
     [normal(2, 4)], "2d"),
    ("rfft", lambda x: np.sum(np.abs(np.fft.rfft(x, n=7)) ** 2 * _W[:1]), [normal(6)], ""),
    ("rfft", lambda x: np.imag(np.fft.rfftn(x, norm="forward")), [normal(2, 3, 4)], "nd"),
    ("irfft", lambda x: np.fft.irfft(np.fft.rfft(x) * np.exp(1j * x[:3]), n=6) ** 2, [normal(5)], ""),
    ("irfft", lambda x: np.fft.irfft2(np.fft.fft(x) ** 2, s=(3, 4)), [normal(3, 3)], "2d"),
    ("hfft", lambda x: np.fft.hfft(np.fft.ihfft(x ** 2) * 1j + x[:3], n=5, norm="ortho"), [normal(4)], ""),
    ("fftshift", lambda x: np.real(np.fft.fftshift(np.fft.fft(x)) * np.fft.ifftshift(x)), [normal(5)], ""),
]

TAYLOR_ROWS = [(tag, fn, mk, 0.1, True) for tag, fn, mk, _ in ROWS]
