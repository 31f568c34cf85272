"""Staging of the products behind :mod:`osculate.linop`: the ``jit=`` keyword
of :func:`~osculate.hessian_operator`, :func:`~osculate.linop.eigenvalues` and
:func:`~osculate.linop.spectral_density`.

``jit="auto"`` (default) stages a product ``v -> A v`` (and its batched form)
once per call with :func:`osculate.jit` and replays the staged program for
every vector; if staging raises :class:`~osculate.ConcretizationError`
(Python control flow on the vector's values, ``float()`` of it, a
conversion to a plain array...), the products run eagerly and a one-line
note says what fell back and why.  ``jit=True`` lets that error propagate;
``jit=False`` never stages.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
from scipy.sparse.linalg import LinearOperator

from ..ad.batching import vmap
from ..ad.jit import jit as stage
from .symmetric_operator import SymmetricOperator

__all__ = ["check_jit", "fallback_note", "StagedProduct", "staged_callable"]


def check_jit(jit: Any, where: str) -> None:
    """Refuse a ``jit=`` other than ``"auto"``, ``True`` or ``False``."""
    if not (jit is True or jit is False or (isinstance(jit, str) and jit == "auto")):
        raise ValueError(f"{where}: jit must be 'auto', True or False, got {jit!r}")


def fallback_note(what: str, err: BaseException) -> str:
    """The one-line note of a product that fell back to eager evaluation."""
    first = str(err).strip().splitlines()[0] if str(err).strip() else ""
    if len(first) > 160:
        first = first[:157] + "..."
    return f"{what} runs eagerly: staging it with osc.jit raised {type(err).__name__} ({first})"


class StagedProduct:
    """``fn`` staged with :func:`osculate.jit` on its first call (``jit`` of
    ``"auto"`` or ``True``), else ``eager``.  With ``"auto"`` an error
    while staging (:class:`~osculate.ConcretizationError`, typically) switches
    to ``eager`` for good and sets ``sink.note`` (when still ``None``)."""

    def __init__(
        self, fn: Callable, jit: Any, what: str, eager: Callable | None = None, sink: Any = None, prestaged: bool = False
    ):
        self.eager = fn if eager is None else eager
        self.mode = jit
        self.what = what
        self.sink = sink
        # prestaged: fn stages itself (a linearisation's batch)
        self.staged = None if jit is False else (fn if prestaged else stage(fn))

    def __call__(self, v):
        staged = self.staged
        if staged is not None:
            try:
                return staged(v)
            except Exception as err:  # noqa: BLE001 - "auto": whatever stops staging, eager is the answer
                # (ConcretizationError for control flow on values; a function
                # osculate cannot trace, e.g. SciPy sparse or FFT code, raises
                # its own TypeError -- and a genuine error is raised again by
                # the eager call)
                if self.mode is True:
                    raise
                self.staged = None
                if self.sink is not None and getattr(self.sink, "note", None) is None:
                    self.sink.note = fallback_note(self.what, err)
        return self.eager(v)


def _is_plain_callable(A: Any) -> bool:
    return callable(A) and not isinstance(A, (LinearOperator, np.ndarray)) and not hasattr(A, "matvec")


def staged_callable(A: Any, n: Any, jit: Any, where: str) -> tuple[Any, Any]:
    """``(A', holder)``: a plain callable matvec ``A`` (with a valid ``n``)
    becomes a :class:`SymmetricOperator` whose product is staged per ``jit``
    (the block product as one batched program over the columns); ``holder``
    is the object whose ``note`` records a fallback.  Any other ``A`` (an
    operator, a matrix; :func:`~osculate.hessian_operator` stages its own
    products) is returned as is, and is its own ``holder``."""
    check_jit(jit, where)
    valid_n = isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1
    if jit is False or not valid_n or not _is_plain_callable(A):
        return A, A

    def matmat(V):
        if V.shape[1] == 1:
            return np.asarray(one(np.ascontiguousarray(V[:, 0])))[:, None]
        return np.asarray(many(np.ascontiguousarray(V.T))).reshape(V.shape[1], -1).T

    op = SymmetricOperator(lambda v: one(v), int(n), matmat, base=A)
    one = StagedProduct(A, jit, f"{where}: the matvec", sink=op)
    many = StagedProduct(
        vmap(A), jit, f"{where}: the batched matvec", eager=lambda R: np.stack([np.asarray(A(r)) for r in R]), sink=op
    )
    return op, op
