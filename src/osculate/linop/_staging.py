"""Staging of the products behind :mod:`osculate.linop`: the ``jit=`` keyword
of :func:`~osculate.hessian_operator`, :func:`~osculate.linop.eigenvalues` and
:func:`~osculate.linop.spectral_density`.

``jit="auto"`` (default) stages a product ``v -> A v`` (and its batched form)
once per call with :func:`osculate.jit` and replays the staged program for
every vector; if a staged product raises (a
:class:`~osculate.ConcretizationError` from Python control flow on the
vector's values, ``float()`` of it, a conversion to a plain array...) and
the eager one does not, the products run eagerly and a one-line note says
what fell back and why.  ``jit=True`` lets that error propagate;
``jit=False`` never stages.  The policy is :mod:`osculate.ad.autostage`'s.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
from scipy.sparse.linalg import LinearOperator

from ..ad.autostage import AutoStaged, check_jit, one_line
from ..ad.batching import vmap
from .symmetric_operator import SymmetricOperator

__all__ = ["check_jit", "fallback_note", "staged_product", "staged_callable"]


def fallback_note(what: str, err: BaseException) -> str:
    """The one-line note of a product that fell back to eager evaluation."""
    return f"{what} runs eagerly: staging it with osc.jit raised {one_line(err)}"


def staged_product(
    fn: Callable, jit: Any, what: str, eager: Callable | None = None, sink: Any = None, prestaged: bool = False
) -> AutoStaged:
    """``fn`` staged with :func:`osculate.jit` (``jit`` of ``"auto"`` or
    ``True``; ``prestaged``: ``fn`` stages itself, a linearisation's batch),
    else ``eager`` (default ``fn``).  With ``"auto"`` a staged call that
    fails switches to ``eager`` for good and sets ``sink.note`` (when still
    ``None``) to :func:`fallback_note`; the sink may be set later as the
    ``sink`` attribute."""
    return AutoStaged(
        fn, jit, sink, lambda err: fallback_note(what, err), eager=eager, staged=fn if prestaged else None
    )


def _is_plain_callable(A: Any) -> bool:
    return callable(A) and not isinstance(A, (LinearOperator, np.ndarray)) and not hasattr(A, "matvec")


def staged_callable(A: Any, n: Any, jit: Any, where: str) -> tuple[Any, Any]:
    """``(A', holder)``: a plain callable matvec ``A`` (with a valid ``n``)
    becomes a :class:`SymmetricOperator` whose product is staged per ``jit``
    (the block product as one batched program over the columns); ``holder``
    is the object whose ``note`` records a fallback.  Any other ``A`` (an
    operator, a matrix; :func:`~osculate.hessian_operator` stages its own
    products) is returned as is, and is its own ``holder``."""
    jit = check_jit(jit, where)
    valid_n = isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1
    if jit is False or not valid_n or not _is_plain_callable(A):
        return A, A

    def matmat(V):
        if V.shape[1] == 1:
            return np.asarray(one(np.ascontiguousarray(V[:, 0])))[:, None]
        return np.asarray(many(np.ascontiguousarray(V.T))).reshape(V.shape[1], -1).T

    op = SymmetricOperator(lambda v: one(v), int(n), matmat, base=A)
    one = staged_product(A, jit, f"{where}: the matvec", sink=op)
    many = staged_product(
        vmap(A), jit, f"{where}: the batched matvec", eager=lambda R: np.stack([np.asarray(A(r)) for r in R]), sink=op
    )
    return op, op
