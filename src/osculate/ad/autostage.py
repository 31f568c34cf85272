"""The ``jit=`` policy of the solvers, sparse plans and curvature operators:
stage a function with :func:`osculate.jit`, or keep it eager.

* ``"auto"`` -- stage; if a staged call raises (a
  :class:`~osculate.ConcretizationError` from value-dependent Python control
  flow, a function osculate cannot trace, ...) and the eager call with the
  same arguments does not, the eager result is used, the function is
  evaluated eagerly for good, and a one-line note says what fell back and
  why (an error the eager call raises too propagates, and nothing falls
  back);
* ``True`` -- stage, and let a staging error propagate;
* ``False`` -- eager.

:func:`check_jit` checks the keyword, :func:`one_line` is the error text of a
note, and :class:`AutoStaged` is the wrapper.  The wording of a note is the
caller's (:mod:`osculate.sparse._staging`, :mod:`osculate.linop._staging`).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .jit import jit as _jit

__all__ = ["AutoStaged", "check_jit", "one_line"]


def check_jit(value: Any, where: str) -> Any:
    """``value`` as ``"auto"``, ``True`` or ``False`` (``ValueError`` for
    anything else; ``where`` names the caller).

    >>> check_jit("auto", "f"), check_jit(np.True_, "f")
    ('auto', True)
    >>> check_jit(1, "f")
    Traceback (most recent call last):
    ...
    ValueError: f: jit must be 'auto', True or False, got 1
    """
    if isinstance(value, str) and value == "auto":
        return "auto"
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ValueError(f"{where}: jit must be 'auto', True or False, got {value!r}")


def one_line(err: BaseException, limit: int = 160) -> str:
    """``err`` as ``"Type: message"`` on one line, the message cut to ``limit`` characters.

    >>> one_line(ValueError("no\\n  good"))
    'ValueError: no good'
    """
    text = " ".join(str(err).split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


class AutoStaged:
    """``fn`` called according to a checked ``mode`` (see :func:`check_jit`).

    ``staged`` (default ``osculate.jit(fn)``) answers the calls unless
    ``mode`` is False; ``eager`` (default ``fn``) answers them otherwise, and
    with ``"auto"`` for good once a staged call raised and the eager call
    with the same arguments did not.  That fallback sets ``sink.note`` to
    ``describe(err)`` unless the sink (an object with a ``note``, or
    ``None``) already has one.  With ``shared=True`` a note on the sink --
    a fallback of any function recording there -- sends this function eager
    too.

    >>> class Holder:
    ...     note = None
    >>> h = Holder()
    >>> sq = AutoStaged(lambda x: x * x if float(x[0]) > 0 else -x, "auto", h,
    ...                 lambda err: f"square is eager ({one_line(err)})")
    >>> sq(np.ones(2)).tolist(), sq.staged is None
    ([1.0, 1.0], True)
    >>> h.note.startswith("square is eager (ConcretizationError")
    True
    """

    def __init__(
        self,
        fn: Callable,
        mode: Any,
        sink: Any,
        describe: Callable[[BaseException], str],
        *,
        eager: Callable | None = None,
        staged: Callable | None = None,
        shared: bool = False,
    ):
        self.mode = mode
        self.sink = sink
        self.describe = describe
        self.shared = shared
        self.eager = fn if eager is None else eager
        self.staged = None if mode is False else (_jit(fn) if staged is None else staged)

    def __call__(self, *args):
        staged = self.staged
        if staged is None or (self.shared and self.sink.note):
            return self.eager(*args)
        if self.mode is True:
            return staged(*args)
        try:
            return staged(*args)
        except Exception as err:  # noqa: BLE001 - any staging failure: is it also an eager one?
            out = self.eager(*args)  # an error eager evaluation raises too propagates from here
            self.staged = None
            if self.sink is not None and not getattr(self.sink, "note", None):
                self.sink.note = self.describe(err)
            return out
