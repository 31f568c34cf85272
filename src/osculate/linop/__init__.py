"""Linear-operator tools: curvature operators backed by AD (``operators``),
packed symmetric matrices (``symmetric``) and spectral analysis of symmetric
operators (``spectral``).

The functions here accept any symmetric :class:`scipy.sparse.linalg.LinearOperator`,
dense or sparse matrix, or callable matvec (with ``n``).
"""

from .operators import CurvatureOperator, fisher_operator, ggn_operator, hessian_operator
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
from .symmetric import SymmetricMatrix

__all__ = [
    "CurvatureOperator",
    "hessian_operator",
    "ggn_operator",
    "fisher_operator",
    "SymmetricMatrix",
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
