"""Table rows for ``osculate.ad.prims.special_more`` (the scaled Airy functions ``airye`` and the
inverses of the noncentral F and t distribution functions in a parameter), joined to
``test_ad_primitives``' table (and so to vmap, jit and sparsity) and to ``test_taylor``'s.

The noncentral F inverses are SciPy's searches on cdflib's own distribution function, good to
about 1e-4 relative: their finite differences differ from the derivatives (the exact inverse's,
checked against mpmath in test_special_more) by up to about 3e-3 relative.  Their rows are
scaled by 1e-3, so that the table's absolute tolerance (1e-5) is what that agreement allows."""

from __future__ import annotations

from scipy import special

from _cases import uniform

_SCALE = 1e-3

ROWS = [
    ("airye_ai", lambda x: special.airye(x)[0], [uniform(0.2, 6.0, 2, 3)], ""),
    ("airye_aip", lambda x: special.airye(x)[1], [uniform(0.2, 6.0, 3)], ""),
    ("airye_bi", lambda x: special.airye(x)[2], [uniform(0.2, 6.0, 3)], ""),
    ("airye_bi", lambda x: special.airye(x)[2], [uniform(-4.0, -0.2, 3)], "negative"),
    ("airye_bip", lambda x: special.airye(x)[3] * special.airye(x)[0], [uniform(0.2, 6.0, 3)], ""),
    ("airye_bip", lambda x: special.airye(x)[3], [uniform(-4.0, -0.2, 3)], "negative"),
    # the inverses where their equations have solutions: each at p = the distribution function at the parameter
    # it returns (so the row is near the identity in that parameter, and checks every partial's combination);
    # the noncentral F ones scaled by _SCALE (see above)
    ("ncfdtridfd", lambda n, d, nc, f: _SCALE * special.ncfdtridfd(n, special.ncfdtr(n, d, nc, f), nc, f),
     [uniform(2.0, 4.0, 3), uniform(5.0, 8.0, 3), uniform(0.02, 0.05, 3), uniform(1.0, 2.0, 3)], ""),
    ("ncfdtridfn", lambda n, d, nc, f: _SCALE * special.ncfdtridfn(special.ncfdtr(n, d, nc, f), d, nc, f),
     [uniform(2.0, 4.0, 3), uniform(5.0, 8.0, 3), uniform(0.02, 0.05, 3), uniform(1.0, 2.0, 3)], ""),
    ("ncfdtrinc", lambda n, d, nc, f: _SCALE * special.ncfdtrinc(n, d, special.ncfdtr(n, d, nc, f), f),
     [uniform(2.0, 4.0, 3), uniform(5.0, 8.0, 3), uniform(0.02, 0.05, 3), uniform(1.0, 2.0, 3)], ""),
    ("nctdtridf", lambda df, nc, t: special.nctdtridf(special.nctdtr(df, nc, t), nc, t),
     [uniform(3.0, 8.0, 3), uniform(-0.5, 0.5, 3), uniform(0.5, 1.5, 3)], ""),
    ("nctdtrinc", lambda df, nc, t: special.nctdtrinc(df, special.nctdtr(df, nc, t), t),
     [uniform(3.0, 8.0, 3), uniform(-0.5, 0.5, 3), uniform(0.5, 1.5, 3)], ""),
]

# in Taylor mode the inverses in one argument (each derivative of the noncentral distribution functions binds
# their derivative families again: order 5 in four arguments is slow)
_ONE = {"ncfdtridfd", "ncfdtridfn", "ncfdtrinc", "nctdtridf", "nctdtrinc"}
TAYLOR_ROWS = [(tag, fn, mk, 0.05, True) for tag, fn, mk, label in ROWS if tag not in _ONE] + [
    ("ncfdtridfd", lambda d: special.ncfdtridfd(3.0, special.ncfdtr(3.0, d, 0.03, 1.5), 0.03, 1.5),
     [uniform(5.0, 8.0, 3)], 0.05, True),
    ("ncfdtridfn", lambda n: special.ncfdtridfn(special.ncfdtr(n, 6.0, 0.03, 1.5), 6.0, 0.03, 1.5),
     [uniform(2.0, 4.0, 3)], 0.05, True),
    ("ncfdtrinc", lambda nc: special.ncfdtrinc(3.0, 6.0, special.ncfdtr(3.0, 6.0, nc, 1.5), 1.5),
     [uniform(0.02, 0.05, 3)], 0.002, True),
    ("nctdtridf", lambda df: special.nctdtridf(special.nctdtr(df, 0.3, 1.0), 0.3, 1.0), [uniform(3.0, 8.0, 3)],
     0.05, True),
    ("nctdtrinc", lambda nc: special.nctdtrinc(5.0, special.nctdtr(5.0, nc, 1.0), 1.0), [uniform(-0.5, 0.5, 3)],
     0.05, True),
]
