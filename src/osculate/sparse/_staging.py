"""The ``jit=`` keyword of the solvers and plans: stage a derivative once
with :func:`osculate.jit`, or keep it eager (the policy of
:mod:`osculate.ad.autostage`).

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

from ..ad.autostage import AutoStaged, check_jit, one_line

__all__ = ["Staging", "check_jit"]


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

        def describe(err):
            return (f"jit='auto': staging the {what} failed ({one_line(err)}); "
                    f"{self.name} evaluated its derivatives eagerly from then on")

        return AutoStaged(fn, self.mode, self, describe, shared=True)
