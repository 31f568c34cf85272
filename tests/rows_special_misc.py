"""Table rows for ``osculate.ad.prims.special_misc`` (the Voigt profile, Struve,
spherical Bessel and Kelvin functions, zetac, hyp0f1 (in b and z), betaincc and its inverse,
ndtri_exp, Carlson's integrals, agm, radian, diric), joined to
``test_ad_primitives``' table (and so to vmap, jit and sparsity) and to
``test_taylor``'s.  The derivative families (``faddeeva_re``/``faddeeva_im``,
``spherical_*_d``, ``elliprf_d``, ``elliprd_d``, ``elliprj_d``) are reached
through the functions' derivatives; a few are called directly, so that
sparsity detection meets them too."""

from __future__ import annotations

import numpy as np
from scipy import special

import osculate as osc
import osculate.scipy.special as sps
from _cases import uniform
from osculate.ad.prims.special_misc import faddeeva_d

_pos = lambda *shape: uniform(0.3, 2.5, *shape)  # noqa: E731
_N = np.array([0, 1, 3])

ROWS = [
    ("voigt_profile", special.voigt_profile, [uniform(-2.0, 2.0, 3), uniform(0.5, 1.5, 3), uniform(0.2, 1.5, 3)],
     "x-sigma-gamma"),
    ("voigt_profile", lambda x, s: special.voigt_profile(x, s, 0.0), [uniform(-2.0, 2.0, 2, 3), uniform(0.5, 1.5, 3)],
     "gaussian"),
    # |z| between 2 and 8 (Cauchy's integral) and beyond (the continued fraction)
    ("voigt_profile", special.voigt_profile, [uniform(3.0, 5.0, 3), uniform(0.6, 0.9, 3), uniform(0.5, 1.0, 3)],
     "cauchy"),
    ("voigt_profile", special.voigt_profile, [uniform(3.0, 5.0, 3), uniform(0.2, 0.3, 3), uniform(1.0, 2.0, 3)],
     "lorentzian-regime"),
    ("faddeeva_re", lambda a, b: faddeeva_d(a, b, 1)[0] * faddeeva_d(a, b, 2)[1],
     [uniform(-3.0, 3.0, 3), uniform(0.02, 3.0, 3)], "w1-w2"),
    ("struve", lambda x: special.struve(1.5, x) + special.struve(0.0, x) ** 2, [_pos(2, 3)], ""),
    ("modstruve", lambda x: special.modstruve(np.array([0.0, 1.0, 2.5]), x), [_pos(2, 3)], ""),
    ("spherical_jn", lambda z: sps.spherical_jn(_N, z) + sps.spherical_jn(2, z, True), [_pos(3)], ""),
    ("spherical_yn", lambda z: sps.spherical_yn(_N, z) * sps.spherical_yn(1, z, derivative=True), [_pos(3)], ""),
    ("spherical_in", lambda z: sps.spherical_in(_N, z) + sps.spherical_in(0, z, True), [_pos(2, 3)], ""),
    ("spherical_kn", lambda z: sps.spherical_kn(_N, z) + sps.spherical_kn(2, z, True), [_pos(3)], ""),
    ("ber", lambda x: special.ber(x) + special.bei(x) * special.berp(x), [uniform(-3.0, 3.0, 2, 3)], ""),
    ("beip", special.beip, [uniform(-3.0, 3.0, 3)], ""),
    ("ker", lambda x: special.ker(x) + special.kei(x) * special.kerp(x) + special.keip(x), [_pos(3)], ""),
    ("zetac", special.zetac, [uniform(1.5, 6.0, 3)], ""),
    ("zetac", special.zetac, [uniform(-3.0, 0.8, 3)], "below-1"),
    ("hyp0f1", lambda z: special.hyp0f1(np.array([0.5, 1.5, 3.0]), z), [uniform(-3.0, 3.0, 2, 3)], ""),
    ("hyp0f1", special.hyp0f1, [uniform(0.5, 3.0, 3), uniform(-3.0, 3.0, 3)], "b-z"),
    ("hyp0f1", special.hyp0f1, [uniform(0.5, 3.0, 3), uniform(12.0, 20.0, 3)], "b-z-bessel"),
    ("hyp0f1", special.hyp0f1, [uniform(0.5, 3.0, 3), uniform(-20.0, -12.0, 3)], "b-z-bessel-negative"),
    ("betaincc", special.betaincc, [uniform(0.5, 3.0, 3), uniform(0.5, 3.0, 3), uniform(0.1, 0.9, 3)], "a-b-x"),
    ("betainccinv", special.betainccinv, [uniform(1.0, 3.0, 3), uniform(1.0, 3.0, 3), uniform(0.15, 0.85, 3)], ""),
    ("ndtri_exp", special.ndtri_exp, [uniform(-3.0, -0.2, 3)], ""),
    ("ndtri_exp", special.ndtri_exp, [uniform(-60.0, -20.0, 3)], "tail"),
    ("elliprf", special.elliprf, [_pos(3), _pos(3), _pos(3)], ""),
    ("elliprd", special.elliprd, [_pos(3), _pos(2, 3), _pos(3)], ""),
    ("elliprc", special.elliprc, [_pos(3), _pos(3)], ""),
    ("elliprc", special.elliprc, [_pos(3), uniform(-2.5, -0.3, 3)], "principal-value"),
    ("elliprg", special.elliprg, [_pos(3), _pos(3), _pos(3)], ""),
    ("elliprj", special.elliprj, [_pos(3), _pos(3), _pos(3), _pos(3)], ""),
    ("elliprj", special.elliprj, [_pos(3), _pos(3), _pos(3), uniform(-2.5, -0.3, 3)], "principal-value"),
    ("elliprf_d", lambda x, y: special.elliprf(x, y, x) + special.elliprd(y, x, y), [_pos(3), _pos(3)],
     "coinciding"),
    # the derivative families, reached through a gradient inside the function (so that the sparsity,
    # vmap and jit tables trace them too)
    ("elliprf_d", lambda x, y, z: osc.grad(lambda t: np.sum(special.elliprf(t, y, z)))(x) * z,
     [_pos(3), _pos(3), _pos(3)], "d-family"),
    ("elliprd_d", lambda x, y, z: osc.grad(lambda t: np.sum(special.elliprd(x, t, z)))(y) * x,
     [_pos(3), _pos(3), _pos(3)], "d-family"),
    ("elliprj_d", lambda x, p: osc.grad(lambda t: np.sum(special.elliprj(x, 1.3, t, p)))(x) * p,
     [_pos(3), _pos(3)], "d-family"),
    ("agm", special.agm, [_pos(3), _pos(3)], ""),
    ("radian", special.radian, [uniform(-90.0, 90.0, 3), uniform(0.0, 60.0, 3), uniform(0.0, 60.0, 3)], ""),
    ("special_round", lambda x: special.round(x) * x, [uniform(1.1, 1.4, 3)], ""),
    ("diric", lambda x: sps.diric(x, 5) + sps.diric(x, np.array([1, 2, 4])), [uniform(0.3, 6.0, 3)], ""),
    ("airy_ai", lambda x: special.airy(x)[0], [uniform(-4.0, 3.0, 2, 3)], ""),
    ("airy_aip", lambda x: special.airy(x)[1], [uniform(-4.0, 3.0, 3)], ""),
    ("airy_bi", lambda x: special.airy(x)[2], [uniform(-4.0, 3.0, 3)], ""),
    ("airy_bip", lambda x: special.airy(x)[3] * special.airy(x)[0], [uniform(-4.0, 3.0, 3)], ""),
    ("ellipj_sn", lambda u, m: special.ellipj(u, m)[0], [uniform(-3.0, 3.0, 2, 3), uniform(0.2, 0.8, 3)], ""),
    ("ellipj_cn", lambda u, m: special.ellipj(u, m)[1], [uniform(-3.0, 3.0, 3), uniform(0.2, 0.8, 3)], ""),
    ("ellipj_dn", lambda u, m: special.ellipj(u, m)[2], [uniform(-3.0, 3.0, 3), uniform(0.2, 0.8, 3)], ""),
    ("ellipj_ph", lambda u, m: special.ellipj(u, m)[3] * special.ellipj(u, m)[0],
     [uniform(-3.0, 3.0, 3), uniform(0.2, 0.8, 3)], ""),
    ("binom", lambda n, k: sps.comb(n, k) + sps.comb(n, k, repetition=True), [uniform(3.0, 6.0, 3),
     uniform(0.3, 2.5, 3)], "comb"),
    ("poch", sps.perm, [uniform(3.0, 6.0, 2, 3), uniform(0.3, 2.5, 3)], "perm"),
]

# every row in Taylor mode too (the curve's scale keeps each in its domain and away from round's steps)
TAYLOR_ROWS = [(tag, fn, mk, 0.02 if tag in ("special_round", "diric") else 0.05, True) for tag, fn, mk, label in ROWS]
