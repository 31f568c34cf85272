"""``scipy.special``'s orthogonal polynomials and the functions built on them,
as primitives (filled in below; see the module's table)."""

from __future__ import annotations

__all__ = ["POLY_FUNCTIONS"]

#: name -> the osculate function with SciPy's signature (registered for
#: ``__array_ufunc__`` dispatch by :mod:`osculate.ad.numpy_dispatch` and
#: exported by :mod:`osculate.scipy.special`).
POLY_FUNCTIONS: dict = {}
