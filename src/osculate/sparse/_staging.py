"""The ``jit=`` keyword of the solvers and plans: stage a derivative once
with :func:`osculate.jit`, or keep it eager.

* ``"auto"`` -- stage; if a staged call raises (a
  :class:`~osculate.ConcretizationError` from value-dependent Python control
  flow, or any other error) and the eager call with the same arguments does
  not, the eager result is used and every derivative of the same
  :class:`Staging` is evaluated eagerly from then on, with a one-line
  :attr:`Staging.note` saying what fell back and why;
* ``True`` -- stage, and let a staging error propagate;
* ``False`` -- eager.
"""

from __future__ import annotations

import numpy as np

from ..ad.jit import jit as _jit

__all__ = ["Staging", "check_jit"]


def check_jit(value, name):
    """``value`` as ``"auto"``, ``True`` or ``False`` (else ``ValueError``)."""
    if isinstance(value, str) and value == "auto":
        return "auto"
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ValueError(f"{name}: jit must be 'auto', True or False, got {value!r}")


def _one_line(err, limit=160):
    text = " ".join(str(err).split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


class Staging:
    """The staging state shared by the derivatives of one solver call (or plan).

    >>> import numpy as np
    >>> from osculate.sparse._staging import Staging
    >>> st = Staging("auto", "example")
    >>> sq = st.wrap(lambda x: x * x if float(x[0]) > 0 else -x, "square")
    >>> sq(np.ones(2)).tolist(), st.fell_back
    ([1.0, 1.0], True)
    >>> st.note.startswith("jit='auto': staging the square failed (ConcretizationError")
    True
    """

    def __init__(self, mode, name):
        self.mode = check_jit(mode, name)
        self.name = name
        self.note = ""

    @property
    def fell_back(self):
        """True once a staged derivative failed and evaluation went eager."""
        return bool(self.note)

    @property
    def active(self):
        """True while derivatives are staged."""
        return self.mode is not False and not self.note

    def wrap(self, fn, what):
        """``fn`` staged according to the mode (``what`` names it in the note)."""
        if self.mode is False:
            return fn
        staged = _jit(fn)
        if self.mode is True:
            return staged

        def call(*args):
            if self.note:
                return fn(*args)
            try:
                return staged(*args)
            except Exception as err:  # noqa: BLE001 - any staging failure: is it also an eager one?
                out = fn(*args)  # an error eager evaluation raises too propagates from here
                self.note = (f"jit='auto': staging the {what} failed ({_one_line(err)}); "
                             f"{self.name} evaluated its derivatives eagerly from then on")
                return out

        call.staged = staged
        return call
