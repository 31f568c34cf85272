"""More of ``scipy.special`` as primitives (filled in below; see the module's
table)."""

from __future__ import annotations

__all__ = ["MISC_FUNCTIONS"]

#: name -> the osculate function with SciPy's signature (registered for
#: ``__array_ufunc__`` dispatch by :mod:`osculate.ad.numpy_dispatch` and
#: exported by :mod:`osculate.scipy.special`).
MISC_FUNCTIONS: dict = {}
