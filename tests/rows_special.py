"""Table rows for SciPy's special functions differentiated in a parameter
(ad/prims/bessel.py: the Hurwitz and Riemann zeta functions in ``x``, the
Bessel functions jv, yv, iv, ive, kv, kve in the order) and for the regimes of ad/prims/special.py with
their own derivative formulas (``spence`` about 1, ``log_ndtr`` in the left
tail).  Each row is checked against finite differences to second order in
all four nestings in tests/test_ad_primitives.py and reused by vmap, jit and
sparsity detection; ``TAYLOR_ROWS`` join tests/test_taylor.py (order 5
against nested forward mode)."""

from __future__ import annotations

from scipy import special

from osculate.ad.prims.bessel import bessel_dv, kv_dv, kve_dv, zeta_ds

from _cases import uniform

ROWS = [
    ("jv", lambda v, x: special.jv(v, x), [uniform(-2.5, 2.5, 3), uniform(0.4, 6.0, 3)], "v-and-x"),
    ("jv", lambda v, x: special.jv(v, x), [uniform(2.0, 4.0, 2, 3), uniform(0.2, 1.5, 3)], "series"),
    ("yv", lambda v, x: special.yv(v, x), [uniform(-2.5, 2.5, 3), uniform(0.4, 6.0, 3)], "v-and-x"),
    ("iv", lambda v, x: special.iv(v, x), [uniform(-2.5, 2.5, 3), uniform(0.4, 6.0, 3)], "v-and-x"),
    ("iv", lambda v: special.iv(v, 0.8), [uniform(1.5, 4.0, 2, 3)], "series"),
    ("ive", lambda v, x: special.ive(v, x), [uniform(-2.5, 2.5, 3), uniform(0.4, 20.0, 3)], "v-and-x"),
    ("kv", lambda v, x: special.kv(v, x), [uniform(-2.5, 2.5, 3), uniform(0.4, 4.0, 3)], "v-and-x"),
    ("kv", lambda v, x: special.kv(v, x) * v, [uniform(-1.0, 3.0, 2, 3), uniform(0.5, 3.0, 3)], "v-broadcast"),
    ("kve", lambda v, x: special.kve(v, x), [uniform(-2.5, 2.5, 3), uniform(0.4, 30.0, 3)], "v-and-x"),
    ("kve", lambda v: special.kve(v, 2.0), [uniform(0.0, 5.0, 2, 3)], "v"),
    ("zeta", lambda s, q: special.zeta(s, q), [uniform(1.5, 5.0, 3), uniform(0.3, 3.0, 3)], "x-and-q"),
    ("zeta", lambda s: special.zeta(s, 0.7), [uniform(1.2, 6.0, 2, 3)], "x"),
    ("riemann_zeta", lambda s: special.zeta(s), [uniform(1.3, 5.0, 3)], "above-1"),
    ("riemann_zeta", lambda s: special.zeta(s), [uniform(-4.0, -0.3, 2, 3)], "negative"),
    ("riemann_zeta", lambda s: special.zeta(s), [uniform(0.1, 0.8, 3)], "0-to-1"),
    # the derivative families themselves (reached directly, also by sparsity detection)
    ("kv_dv", lambda v, x: kv_dv(v, x, 2), [uniform(-2.0, 2.0, 3), uniform(0.5, 3.0, 3)], "n=2"),
    ("kve_dv", lambda v, x: kve_dv(v, x, 1), [uniform(-2.0, 2.0, 3), uniform(0.5, 9.0, 3)], "n=1"),
    ("jv_dv", lambda v, x: bessel_dv("jv", v, x, 1), [uniform(-2.0, 2.0, 3), uniform(0.5, 3.0, 3)], "n=1"),
    ("yv_dv", lambda v, x: bessel_dv("yv", v, x, 2), [uniform(-2.0, 2.0, 3), uniform(0.5, 3.0, 3)], "n=2"),
    ("iv_dv", lambda v, x: bessel_dv("iv", v, x, 1), [uniform(-2.0, 2.0, 3), uniform(0.5, 3.0, 3)], "n=1"),
    ("ive_dv", lambda v, x: bessel_dv("ive", v, x, 1), [uniform(-2.0, 2.0, 3), uniform(0.5, 9.0, 3)], "n=1"),
    ("zeta_ds", lambda s, q: zeta_ds(s, q, 2), [uniform(1.5, 4.0, 3), uniform(0.5, 2.0, 3)], "k=2"),
    ("zeta_ds", lambda s, q: zeta_ds(s, q, 0), [uniform(1.5, 4.0, 3), uniform(0.5, 2.0, 3)], "k=0"),
    ("spence", special.spence, [uniform(0.97, 1.03, 2, 3)], "near-1"),
    ("log_ndtr", special.log_ndtr, [uniform(-60.0, -11.0, 3)], "left-tail"),
]

TAYLOR_ROWS = [
    ("jv", lambda v, x: special.jv(v, x), [uniform(-2.0, 2.0, 3), uniform(0.5, 4.0, 3)], 0.3, True),
    ("yv", lambda v, x: special.yv(v, x), [uniform(-2.0, 2.0, 3), uniform(0.5, 4.0, 3)], 0.3, True),
    ("iv", lambda v, x: special.iv(v, x), [uniform(1.5, 3.0, 3), uniform(0.3, 1.0, 3)], 0.3, True),
    ("ive", lambda v, x: special.ive(v, x), [uniform(-2.0, 2.0, 3), uniform(1.0, 10.0, 3)], 0.3, True),
    ("kv", lambda v, x: special.kv(v, x), [uniform(-2.0, 2.0, 3), uniform(0.5, 3.0, 3)], 0.3, True),
    ("kve", lambda v, x: special.kve(v, x), [uniform(0.0, 3.0, 3), uniform(1.0, 20.0, 3)], 0.3, True),
    ("zeta", lambda s, q: special.zeta(s, q), [uniform(1.5, 4.0, 3), uniform(0.5, 2.0, 3)], 0.2, True),
    ("riemann_zeta", lambda s: special.zeta(s), [uniform(-3.0, -0.5, 3)], 0.2, True),
    ("riemann_zeta", lambda s: special.zeta(s), [uniform(1.5, 4.0, 3)], 0.2, True),
    ("spence", special.spence, [uniform(0.99, 1.01, 3)], 0.005, True),
    ("log_ndtr", special.log_ndtr, [uniform(-40.0, -12.0, 3)], 0.3, True),
]
