"""Table rows for ``osculate.ad.prims.special_extra`` (Fresnel, sine/cosine
integrals, expn, poch, the hypergeometric functions, the Huber losses, the
Box-Cox transforms) and for the distribution functions of
``osculate.ad.prims.incomplete`` (gdtr ... stdtr), joined to
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

_small = lambda *shape: uniform(-3e-4, 3e-4, *shape)  # noqa: E731  (the series side of g and h)

# counts (k, n) are integers, as SciPy wants them; the rows differentiate the real arguments
ROWS += [
    ("huber", special.huber, [uniform(1.0, 2.0, 3), uniform(-0.9, 0.9, 3)], "inside"),
    ("huber", special.huber, [uniform(0.3, 0.8, 3), uniform(1.0, 2.0, 2, 3)], "beyond"),
    ("huber", lambda d, r: special.huber(d, -r), [uniform(0.3, 0.8, 3), uniform(1.0, 2.0, 3)], "beyond-negative"),
    ("pseudo_huber", special.pseudo_huber, [uniform(0.3, 2.0, 3), uniform(-2.0, 2.0, 2, 3)], ""),
    ("boxcox", special.boxcox, [_pos(3), uniform(-1.5, 1.5, 3)], ""),
    ("boxcox", special.boxcox, [_pos(3), _small(3)], "lambda-near-0"),
    ("boxcox1p", special.boxcox1p, [uniform(-0.5, 2.0, 3), uniform(-1.5, 1.5, 3)], ""),
    ("inv_boxcox", special.inv_boxcox, [uniform(-1.0, 1.0, 3), uniform(-0.5, 0.8, 3)], ""),
    ("inv_boxcox", special.inv_boxcox, [uniform(-1.0, 1.0, 3), _small(3)], "lambda-near-0"),
    ("inv_boxcox1p", special.inv_boxcox1p, [uniform(-1.0, 1.0, 3), uniform(-0.5, 0.8, 3)], ""),
    ("gdtr", special.gdtr, [_pos(3), _pos(3), _pos(3)], "a-b-x"),
    ("gdtrc", special.gdtrc, [_pos(3), _pos(2, 3), uniform(2.0, 5.0, 3)], "a-b-x"),
    ("chdtr", special.chdtr, [uniform(1.0, 6.0, 3), _pos(3)], "v-x"),
    ("chdtrc", special.chdtrc, [uniform(1.0, 6.0, 3), uniform(2.0, 8.0, 3)], "v-x"),
    ("pdtr", lambda m: special.pdtr(np.array([0, 2, 5]), m), [_pos(3)], "m"),
    ("pdtrc", lambda m: special.pdtrc(np.array([1, 3, 4]), m), [_pos(3)], "m"),
    ("bdtr", lambda p: special.bdtr(np.array([1, 3, 6]), 8, p), [uniform(0.1, 0.9, 3)], "p"),
    ("bdtrc", lambda p: special.bdtrc(np.array([1, 3, 6]), 8, p), [uniform(0.1, 0.9, 3)], "p"),
    ("nbdtr", lambda p: special.nbdtr(np.array([0, 2, 5]), 4, p), [uniform(0.1, 0.9, 3)], "p"),
    ("nbdtrc", lambda p: special.nbdtrc(np.array([0, 2, 5]), 4, p), [uniform(0.1, 0.9, 3)], "p"),
    ("fdtr", special.fdtr, [uniform(1.0, 6.0, 3), uniform(1.0, 8.0, 3), _pos(3)], "dfn-dfd-x"),
    ("fdtrc", special.fdtrc, [uniform(1.0, 6.0, 3), uniform(1.0, 8.0, 3), _pos(3)], "dfn-dfd-x"),
    ("stdtr", special.stdtr, [uniform(1.0, 9.0, 3), uniform(0.2, 3.0, 3)], "df-t"),
    ("stdtr", special.stdtr, [uniform(1.0, 9.0, 3), uniform(-3.0, -0.2, 2, 3)], "df-negative-t"),
]

ROWS += [
    ("cosm1", special.cosm1, [uniform(-2.0, 2.0, 2, 3)], ""),
    ("tandg", special.tandg, [uniform(-60.0, 60.0, 3)], ""),
    ("cotdg", special.cotdg, [uniform(20.0, 160.0, 3)], ""),
    ("erfi", special.erfi, [uniform(-1.5, 1.5, 3)], ""),
    ("wrightomega", special.wrightomega, [uniform(-2.0, 3.0, 3)], ""),
    ("ellipk", special.ellipk, [uniform(-0.8, 0.9, 3)], ""),
    ("ellipe", special.ellipe, [uniform(-0.8, 0.9, 3)], ""),
    ("ellipkm1", special.ellipkm1, [uniform(0.1, 1.5, 3)], ""),
    ("ellipkinc", special.ellipkinc, [uniform(-1.2, 1.2, 3), uniform(-0.8, 0.9, 3)], "phi-m"),
    ("ellipeinc", special.ellipeinc, [uniform(-1.2, 1.2, 3), uniform(-0.8, 0.9, 3)], "phi-m"),
    ("powm1", special.powm1, [_pos(3), uniform(-1.5, 1.5, 3)], ""),
    ("binom", special.binom, [uniform(3.0, 6.0, 3), uniform(0.3, 2.5, 3)], ""),
    ("owens_t", special.owens_t, [uniform(-1.5, 1.5, 3), uniform(-2.0, 2.0, 3)], ""),
    ("kn", lambda x: special.kn(np.array([0, 1, 3]), x), [_pos(2, 3)], ""),
    ("jve", special.jve, [uniform(0.3, 2.0, 3), _pos(3)], ""),
    ("yve", special.yve, [uniform(0.3, 2.0, 3), _pos(3)], ""),
]

_prob = lambda *shape: uniform(0.15, 0.85, *shape)  # noqa: E731

# the quantile functions (inverses in one argument)
ROWS += [
    ("gammaincinv", special.gammaincinv, [uniform(0.8, 3.0, 3), _prob(3)], ""),
    ("gammainccinv", special.gammainccinv, [uniform(0.8, 3.0, 3), _prob(3)], ""),
    ("betaincinv", special.betaincinv, [uniform(1.0, 3.0, 3), uniform(1.0, 3.0, 3), _prob(3)], ""),
    ("gdtrix", special.gdtrix, [_pos(3), uniform(0.8, 3.0, 3), _prob(3)], ""),
    ("chdtri", special.chdtri, [uniform(1.5, 6.0, 3), _prob(3)], ""),
    ("pdtri", lambda y: special.pdtri(np.array([1, 3, 5]), y), [_prob(3)], ""),
    ("bdtri", lambda y: special.bdtri(np.array([1, 3, 5]), 8, y), [_prob(3)], ""),
    ("nbdtri", lambda y: special.nbdtri(np.array([1, 3, 5]), 4, y), [_prob(3)], ""),
    ("fdtri", special.fdtri, [uniform(2.0, 6.0, 3), uniform(2.0, 8.0, 3), _prob(3)], ""),
    ("stdtrit", special.stdtrit, [uniform(1.5, 9.0, 3), _prob(3)], ""),
]

# (curves kept on one side of Huber's kink |r| = δ, and inside the series region of g and h near λ = 0)
TAYLOR_ROWS = [(tag, fn, mk, 1e-4 if "near-0" in label else 0.02 if tag == "huber" else 0.1, True)
               for tag, fn, mk, label in ROWS]
