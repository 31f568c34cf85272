"""Linear-operator tools: spectral analysis of symmetric operators.

The functions here accept any symmetric :class:`scipy.sparse.linalg.LinearOperator`,
dense or sparse matrix, or callable matvec (with ``n``).
"""

from .spectral import (
    DENSE_LIMIT,
    DiagonalEstimate,
    EigenResult,
    LanczosResult,
    SpectralDensity,
    SymmetricOperator,
    TraceEstimate,
    as_symmetric_operator,
    eigenvalues,
    hutchinson_diagonal,
    hutchinson_trace,
    hutchpp_trace,
    lanczos,
    spectral_density,
)

__all__ = [
    "DENSE_LIMIT",
    "DiagonalEstimate",
    "EigenResult",
    "LanczosResult",
    "SpectralDensity",
    "SymmetricOperator",
    "TraceEstimate",
    "as_symmetric_operator",
    "eigenvalues",
    "hutchinson_diagonal",
    "hutchinson_trace",
    "hutchpp_trace",
    "lanczos",
    "spectral_density",
]
