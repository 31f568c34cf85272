"""Linear operators: symmetric matrices that are only ever applied to vectors.

Modules, in reading order:

* ``symmetric_operator`` -- :class:`SymmetricOperator`, the one operator type
  (a counting symmetric ``scipy.sparse.linalg.LinearOperator``), and
  :func:`as_symmetric_operator`, which turns any supported input into one;
* ``operators`` -- Hessian, Gauss-Newton and Fisher operators backed by AD;
* :class:`SymmetricMatrix` -- packed storage of a dense symmetric matrix
  (defined in :mod:`osculate.ad.packed`, the result of ``hessian(symmetric=True)``);
* ``krylov`` -- Lanczos tridiagonalisation;
* ``eigen`` -- a few extreme eigenpairs (Lanczos, ARPACK or dense);
* ``estimators`` -- Hutchinson and Hutch++ traces, Hutchinson diagonals;
* ``density`` -- the eigenvalue density by stochastic Lanczos quadrature.

The routines accept any symmetric ``LinearOperator``, dense or sparse
matrix, or callable matvec (with ``n``).

Names used throughout:

* ``n_probes`` -- the budget of a stochastic routine: how many random probe
  vectors (hence operator-vector products) it may use.  Hutch++ spends the
  same budget on a sketch and on probes.
* ``n_matvec`` -- a count of products actually performed, on every result
  and on every :class:`SymmetricOperator`.
* ``n_samples`` -- only in :func:`fisher_operator`: the number of data sets
  drawn from the model for the true Fisher matrix (not probe vectors).
* ``seed`` -- an ``int``, ``None`` or a ``numpy.random.Generator``.
"""

from .density import SpectralDensity, spectral_density
from .eigen import DENSE_LIMIT, EigenResult, eigenvalues
from .estimators import DiagonalEstimate, TraceEstimate, hutchinson_diagonal, hutchinson_trace, hutchpp_trace
from .krylov import LanczosResult, lanczos
from .operators import fisher_operator, ggn_operator, hessian_operator
from ..ad.packed import SymmetricMatrix
from .symmetric_operator import SymmetricOperator, as_symmetric_operator

__all__ = [
    "SymmetricOperator",
    "as_symmetric_operator",
    "hessian_operator",
    "ggn_operator",
    "fisher_operator",
    "SymmetricMatrix",
    "LanczosResult",
    "lanczos",
    "DENSE_LIMIT",
    "EigenResult",
    "eigenvalues",
    "TraceEstimate",
    "DiagonalEstimate",
    "hutchinson_trace",
    "hutchpp_trace",
    "hutchinson_diagonal",
    "SpectralDensity",
    "spectral_density",
]
