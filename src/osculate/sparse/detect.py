"""Sparsity patterns of Jacobians and Hessians, detected by tracing.

The detection itself -- a trace whose tracers carry index sets instead of
values, and each primitive's rule for them -- is part of the engine
(:mod:`osculate.ad.sparsity`); this module turns its result into SciPy sparse
patterns.  ``mode='global'`` gives a pattern valid for every input (and
refuses value-dependent control flow); ``mode='local'`` the pattern at the
given point, following the branches taken there.
"""

from __future__ import annotations

import numpy as np

from ..ad.sparsity import BudgetExceeded, RowSets, entry_budget, trace_dependencies

__all__ = ["jacobian_sparsity", "hessian_sparsity", "entry_budget", "BudgetExceeded"]


def jacobian_sparsity(f, x, mode="global"):
    """Boolean ``scipy.sparse.csr_matrix`` pattern of the Jacobian of ``f`` at
    ``x``'s shape (``mode='global'``: valid for every input) or at the point
    ``x`` (``mode='local'``).

    >>> import numpy as np
    >>> from osculate.sparse import jacobian_sparsity
    >>> jacobian_sparsity(lambda x: x[1:] * x[:-1], np.ones(3)).toarray()
    array([[ True,  True, False],
           [False,  True,  True]])
    """
    deps, shape, n = trace_dependencies(f, x, False, mode)
    return deps.G.to_csr()


def hessian_sparsity(f, x, mode="global"):
    """Boolean symmetric ``scipy.sparse.csr_matrix`` pattern of the Hessian of
    a scalar ``f`` (see :func:`jacobian_sparsity` for ``mode``).

    >>> import numpy as np
    >>> from osculate.sparse import hessian_sparsity
    >>> hessian_sparsity(lambda x: x[0] * x[1] + np.sin(x[2]), np.ones(3)).toarray()
    array([[False,  True, False],
           [ True, False, False],
           [False, False,  True]])
    """
    deps, shape, n = trace_dependencies(f, x, True, mode)
    if shape != ():
        raise TypeError(f"hessian_sparsity needs a scalar function, but f returned shape {shape}")
    keys = deps.H.indices
    i, j = keys // n, keys % n
    rows = np.concatenate([i, j[i != j]])
    cols = np.concatenate([j, i[i != j]])
    return RowSets.from_pairs(rows, cols, n, n).to_csr()
