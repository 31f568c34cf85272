"""Table rows for ``osculate.ad.prims.special_stat`` (the inverses of the distribution
functions in a parameter, kolmogorov and kolmogi, smirnov and smirnovi, tklmbda), joined to
``test_ad_primitives``' table (and so to vmap, jit and sparsity) and to ``test_taylor``'s.
The derivative families ``kolmogorov_d`` and ``smirnov_d`` are reached through the
functions' derivatives, and once called directly."""

from __future__ import annotations

import numpy as np
from scipy import special

import osculate as osc
import osculate.scipy.special as sps
from _cases import uniform
from osculate.ad.prims.special_stat import chndtr_pdf, kolmogorov_d, smirnov_d

_p = lambda *shape: uniform(0.25, 0.75, *shape)  # noqa: E731
_N = np.array([3, 7, 20])

ROWS = [
    ("gdtria", special.gdtria, [_p(3), uniform(1.0, 3.0, 3), uniform(0.5, 3.0, 3)], ""),
    ("gdtrib", special.gdtrib, [uniform(0.5, 2.0, 3), _p(3), uniform(0.5, 3.0, 3)], ""),
    ("chdtriv", special.chdtriv, [_p(2, 3), uniform(1.0, 5.0, 3)], ""),
    ("pdtrik", special.pdtrik, [_p(3), uniform(2.0, 6.0, 3)], ""),
    ("stdtridf", special.stdtridf, [uniform(0.85, 0.9, 3), uniform(1.8, 2.5, 3)], ""),
    ("fdtridfd", special.fdtridfd, [uniform(2.0, 3.0, 3), uniform(0.35, 0.6, 3), uniform(1.8, 2.5, 3)], ""),
    ("btdtria", special.btdtria, [_p(3), uniform(1.0, 3.0, 3), uniform(0.3, 0.7, 3)], ""),
    ("btdtrib", special.btdtrib, [uniform(1.0, 3.0, 3), _p(3), uniform(0.3, 0.7, 3)], ""),
    ("bdtrik", special.bdtrik, [_p(3), uniform(8.0, 12.0, 3), uniform(0.3, 0.6, 3)], ""),
    ("bdtrin", special.bdtrin, [uniform(2.0, 4.0, 3), _p(3), uniform(0.3, 0.6, 3)], ""),
    ("nbdtrik", special.nbdtrik, [_p(3), uniform(2.0, 5.0, 3), uniform(0.3, 0.6, 3)], ""),
    ("nbdtrin", special.nbdtrin, [uniform(2.0, 4.0, 3), _p(3), uniform(0.3, 0.6, 3)], ""),
    ("chndtr", special.chndtr, [uniform(1.0, 6.0, 3), uniform(1.0, 4.0, 3), uniform(0.5, 3.0, 3)], ""),
    ("chndtr", lambda x, k: special.chndtr(x, k, 0.0), [uniform(1.0, 6.0, 3), uniform(1.0, 4.0, 3)], "central"),
    ("chndtr_pdf", lambda x, k, nc: chndtr_pdf(x, k, nc, 1) * x, [uniform(1.0, 6.0, 3), uniform(1.0, 4.0, 3),
                                                                  uniform(0.5, 3.0, 3)], "family"),
    ("chndtrix", special.chndtrix, [_p(3), uniform(1.0, 4.0, 3), uniform(0.5, 3.0, 3)], ""),
    ("chndtridf", special.chndtridf, [uniform(3.0, 5.0, 3), _p(3), uniform(0.5, 1.5, 3)], ""),
    ("chndtrinc", special.chndtrinc, [uniform(4.0, 6.0, 3), uniform(1.0, 2.0, 3), uniform(0.3, 0.6, 3)], ""),
    ("ncfdtr", special.ncfdtr, [uniform(2.0, 5.0, 3), uniform(3.0, 8.0, 3), uniform(0.5, 3.0, 3),
                                uniform(0.5, 4.0, 3)], ""),
    ("ncfdtri", special.ncfdtri, [uniform(2.0, 5.0, 3), uniform(3.0, 8.0, 3), uniform(0.5, 3.0, 3), _p(3)], ""),
    ("nctdtr", special.nctdtr, [uniform(3.0, 8.0, 3), uniform(-1.0, 1.5, 3), uniform(0.5, 2.5, 3)], ""),
    ("nctdtr", special.nctdtr, [uniform(3.0, 8.0, 3), uniform(-1.0, 1.5, 3), uniform(-2.5, -0.5, 3)], "negative-t"),
    ("nctdtrit", special.nctdtrit, [uniform(3.0, 8.0, 3), uniform(-1.0, 1.5, 3), _p(3)], ""),
    # the derivative families, reached through a gradient inside the function (so that the sparsity, vmap and
    # jit tables trace them too)
    ("chndtr_dk", lambda x, k: osc.grad(lambda t: np.sum(special.chndtr(x, t, 1.5)))(k) * x,
     [uniform(1.0, 6.0, 3), uniform(1.0, 4.0, 3)], "d-family"),
    ("ncf_h", lambda n, x: osc.grad(lambda t: np.sum(special.ncfdtr(t, 5.0, 1.5, x)))(n) * x,
     [uniform(2.0, 5.0, 3), uniform(0.5, 4.0, 3)], "d-family"),
    ("nct_s", lambda mu, t: osc.grad(lambda m: np.sum(special.nctdtr(5.0, m, t)))(mu) * t,
     [uniform(-1.0, 1.5, 3), uniform(0.5, 2.5, 3)], "d-family"),
    ("nrdtrimn", special.nrdtrimn, [_p(3), uniform(0.5, 2.0, 3), uniform(-1.0, 1.0, 3)], ""),
    ("nrdtrisd", special.nrdtrisd, [uniform(-1.0, 0.0, 3), uniform(0.6, 0.9, 3), uniform(1.0, 2.0, 3)], ""),
    ("kolmogorov", special.kolmogorov, [uniform(0.3, 0.95, 2, 3)], "theta-series"),
    ("kolmogorov", special.kolmogorov, [uniform(1.05, 2.5, 3)], "alternating-series"),
    ("kolmogorov_d", lambda y: kolmogorov_d(y, 2) * y, [uniform(0.5, 1.5, 3)], "family"),
    ("kolmogi", special.kolmogi, [uniform(0.05, 0.95, 3)], ""),
    # d away from the points j/n where a term (1 - d - j/n)^(n-j) of low power starts
    ("smirnov", lambda d: special.smirnov(5, d) + special.smirnov(_N, d), [uniform(0.37, 0.39, 3)], ""),
    ("smirnov_d", lambda d: smirnov_d(4, d, 1) * d, [uniform(0.05, 0.2, 3)], "family"),
    ("smirnovi", lambda p: special.smirnovi(_N, p), [uniform(0.1, 0.9, 3)], ""),
    ("tklmbda", special.tklmbda, [uniform(-2.0, 2.0, 3), uniform(-0.5, 0.4, 3)], ""),
    ("tklmbda", special.tklmbda, [uniform(-2.0, 2.0, 3), uniform(-0.05, 0.05, 3)], "small-lambda"),
    ("tklmbda", lambda x: sps.tklmbda(x, 0.0), [uniform(-3.0, 3.0, 3)], "logistic"),
]

# every row in Taylor mode too (the curve's scale keeps each in its domain); the noncentral chi-square's in one
# argument (each derivative of its density binds it twice more, at k ± 2: order 5 in three arguments is slow)
_CHNDTR = {"chndtr_pdf", "chndtrix", "chndtridf", "chndtrinc", "ncfdtr", "ncfdtri", "nctdtr", "nctdtrit", "chndtr_dk",
           "ncf_h", "nct_s"}
TAYLOR_ROWS = [(tag, fn, mk, 0.02, True) for tag, fn, mk, label in ROWS if tag not in _CHNDTR] + [
    ("chndtr_pdf", lambda k: chndtr_pdf(2.5, k, 1.2, 1), [uniform(1.0, 4.0, 3)], 0.02, True),
    ("chndtrix", lambda p: special.chndtrix(p, 2.5, 1.2), [_p(3)], 0.02, True),
    ("chndtridf", lambda p: special.chndtridf(4.0, p, 1.2), [_p(3)], 0.02, True),
    ("chndtrinc", lambda nc: special.chndtrinc(5.0, 1.5, nc), [uniform(0.3, 0.6, 3)], 0.02, True),
    ("ncfdtr", lambda nc, x: special.ncfdtr(3.0, 5.0, nc, x), [uniform(0.5, 3.0, 3), uniform(0.5, 4.0, 3)], 0.02,
     True),
    ("ncfdtri", lambda p: special.ncfdtri(3.0, 5.0, 1.5, p), [_p(3)], 0.02, True),
    ("nctdtr", lambda mu, t: special.nctdtr(5.0, mu, t), [uniform(-1.0, 1.5, 3), uniform(0.5, 2.5, 3)], 0.02, True),
    ("nctdtrit", lambda p: special.nctdtrit(5.0, 0.7, p), [_p(3)], 0.02, True),
]
