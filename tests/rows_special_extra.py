"""Table rows for ``osculate.ad.prims.special_extra`` (Fresnel, sine/cosine
integrals, expn, poch, the hypergeometric functions), joined to
``test_ad_primitives``' table (and so to vmap, jit and sparsity) and to
``test_taylor``'s."""

from __future__ import annotations

import numpy as np
from scipy import special

import osculate as osc

from _cases import uniform

_pos = lambda *shape: uniform(0.3, 2.5, *shape)  # noqa: E731

ROWS = [
    ("fresnel", lambda x: special.fresnel(x)[0] * special.fresnel(x)[1], [_pos(2, 3)], ""),
    ("sici", lambda x: special.sici(x)[0] + special.sici(x)[1] ** 2, [_pos(3)], ""),
    ("shichi", lambda x: special.shichi(x)[0] * special.shichi(x)[1], [_pos(3)], ""),
    ("expn", lambda x: special.expn(2, x) + special.expn(1, x) ** 2, [_pos(2, 3)], ""),
    ("poch", special.poch, [_pos(2, 3), uniform(-0.4, 2.0, 3)], ""),
    ("hyp1f1", lambda x: special.hyp1f1(0.5, 1.5, x), [uniform(-2.0, 2.0, 2, 3)], ""),
    ("hyp1f1", special.hyp1f1, [uniform(0.3, 2.0, 3), uniform(0.8, 2.5, 2, 3), uniform(-2.0, 2.0, 3)], "abx"),
    ("hyp2f1", lambda x: special.hyp2f1(0.5, 1.5, 2.5, x), [uniform(-0.8, 0.8, 2, 3)], ""),
    ("hyp2f1", special.hyp2f1, [uniform(0.3, 2.0, 2), uniform(0.5, 1.5, 2), uniform(2.0, 3.0, 2), uniform(-0.8, 0.6, 2)],
     "abcx"),
    # the parameter-derivative families, reached through a gradient inside the function (so that the
    # sparsity, vmap and jit tables trace them too)
    ("hyp1f1", lambda a, x: osc.grad(lambda t: np.sum(special.hyp1f1(t, 1.5, x)))(a) * a,
     [uniform(0.3, 2.0, 3), uniform(-2.0, 2.0, 3)], "d-family"),
    ("hyp2f1", lambda c, x: osc.grad(lambda t: np.sum(special.hyp2f1(0.7, 1.2, t, x)))(c) * c,
     [uniform(2.0, 3.0, 2), uniform(-0.8, 0.6, 2)], "d-family"),
]

TAYLOR_ROWS = [(tag, fn, mk, 0.1, True) for tag, fn, mk, _ in ROWS]
