"""Table rows for ``osculate.scipy.linalg.rq`` and ``qr_multiply`` (the
factors' signs are LAPACK's, fixed away from ties, so the rows use them as
they are)."""

from __future__ import annotations

import numpy as np

from osculate.scipy import linalg as la

from _cases import normal


def rq_full(a):
    r, q = la.rq(a)
    return np.concatenate([r.ravel(), q.ravel()])


def rq_economic(a):
    r, q = la.rq(a, mode="economic")
    return np.concatenate([r.ravel(), q.ravel()])


ROWS = [
    ("scipy.linalg.rq", rq_full, [normal(3, 3)], "square"),
    ("scipy.linalg.rq", rq_economic, [normal(2, 4)], "wide-economic"),
    ("scipy.linalg.rq", lambda a: la.rq(a, mode="r"), [normal(4, 2)], "tall-r"),
    ("scipy.linalg.qr_multiply", lambda a, c: la.qr_multiply(a, c)[0], [normal(4, 3), normal(2, 4)], "right"),
    ("scipy.linalg.qr_multiply", lambda a, c: la.qr_multiply(a, c, mode="left")[0], [normal(3, 4), normal(3, 2)],
     "left"),
]
