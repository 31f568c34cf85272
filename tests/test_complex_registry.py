"""Complex inputs through every transform, driven by the primitive registry.

The table (``tests/_complex_rows.py``) holds functions of complex
arrays written as a user writes them.  Each row is checked

* against finite differences to second order in both modes (all four
  nestings; ``check_grads`` draws complex directions and pairs cotangents with
  tangents as ``Re(sum(c * t))``), and to first order along purely real and
  purely imaginary directions of each argument;
* under ``vmap`` (against a Python loop), under ``jit`` (the staging call and
  a replay at another point, for the function and for its tangent map) and in
  Taylor mode (``derivatives_along`` at a complex point along a complex
  direction, against nested ``jvp``, to order 3).

The coverage test records which primitives each row binds with a complex
argument: every engine primitive is either reached with complex values or
listed in ``REAL_ONLY`` with the reason, and nothing in ``REAL_ONLY`` is
reached with complex values.  Then: Cauchy–Riemann for every holomorphic
elementwise primitive reached, complex64 kept through the transforms, mixed
real/complex promotion as NumPy's, and sparsity patterns of real functions
with complex intermediates.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np
import pytest
from scipy import special

import osculate as osc
from osculate.ad.core import Primitive
from osculate.ad.registry import defined_in, engine_primitives
from osculate.testing import check_grads

from _complex_rows import ROWS

IDS = [cid for cid, _, _ in ROWS]
assert len(set(IDS)) == len(IDS), "duplicate row ids"
TABLE = {cid: (fn, mk) for cid, fn, mk in ROWS}


def _draw(cid, shift=0):
    r = np.random.default_rng(zlib.crc32(cid.encode()) + shift)
    return tuple(m(r) for m in TABLE[cid][1])


def _crandom_like(args, r):
    return tuple(r.standard_normal(np.shape(a)) + 1j * r.standard_normal(np.shape(a)) if np.iscomplexobj(a)
                 else r.standard_normal(np.shape(a)) for a in args)


# --------------------------------------------------------------------------- finite differences


@pytest.mark.parametrize("cid", IDS)
def test_four_nestings_against_finite_differences(cid):
    fn, _ = TABLE[cid]
    check_grads(fn, _draw(cid), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("cid", IDS)
def test_real_and_imaginary_directions(cid):
    """The first derivative along a real and along an imaginary direction of
    each complex argument, against central differences, in both modes."""
    fn, _ = TABLE[cid]
    args = _draw(cid)
    r = np.random.default_rng(1)
    h = 1e-6
    for i, a in enumerate(args):
        if not np.iscomplexobj(a):
            continue
        d = r.standard_normal(np.shape(a))
        for v in (d, 1j * d):
            plus = args[:i] + (a + h * v,) + args[i + 1:]
            minus = args[:i] + (a - h * v,) + args[i + 1:]
            fd = (np.asarray(fn(*plus)) - np.asarray(fn(*minus))) / (2 * h)
            tans = tuple(v if j == i else np.zeros_like(b) for j, b in enumerate(args))
            _, t = osc.jvp(fn, args, tans)
            np.testing.assert_allclose(t, fd, rtol=1e-5, atol=1e-7)
            y, pullback = osc.vjp(fn, *args)
            u = r.standard_normal(np.shape(y)) + (1j * r.standard_normal(np.shape(y)) if np.iscomplexobj(y) else 0)
            ct = pullback(u)[i]
            np.testing.assert_allclose(np.real(np.sum(ct * v)), np.real(np.sum(u * fd)), rtol=1e-5, atol=1e-7)


# --------------------------------------------------------------------------- vmap, jit, Taylor mode


@pytest.mark.parametrize("cid", IDS)
def test_vmap_against_a_loop(cid):
    fn, _ = TABLE[cid]
    draws = [_draw(cid), _draw(cid, 1)]
    stacked = tuple(np.stack(parts) for parts in zip(*draws))
    batched = osc.vmap(fn)(*stacked)
    for i, args in enumerate(draws):
        want = fn(*args)
        got = np.asarray(batched)[i]
        assert got.dtype == np.asarray(want).dtype
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cid", IDS)
def test_jit_stages_once_and_replays(cid):
    fn, _ = TABLE[cid]
    a1, a2 = _draw(cid), _draw(cid, 1)
    r = np.random.default_rng(2)
    v = _crandom_like(a1, r)
    u = _crandom_like((fn(*a1),), r)[0]
    tangent = lambda *a: osc.jvp(fn, a, v)[1]  # noqa: E731
    cotangent = lambda *a: osc.vjp(fn, *a)[1](u)  # noqa: E731
    for target in (fn, tangent, cotangent):
        staged = osc.jit(target)
        for args in (a1, a2):  # the staging call, then a replay at another point
            got, want = staged(*args), target(*args)
            for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
                assert np.asarray(g).dtype == np.asarray(w).dtype
                np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
        assert staged.cache_size() == 1


def _nested(h, order):
    out, g = [], h
    for _ in range(order + 1):
        out.append(np.asarray(g(np.float64(0.0))))
        g = (lambda g: lambda t: osc.jvp(g, (t,), (np.float64(1.0),))[1])(g)
    return out


@pytest.mark.parametrize("cid", IDS)
def test_taylor_mode_along_a_complex_direction(cid):
    fn, _ = TABLE[cid]
    args = _draw(cid)
    vs = tuple(0.3 * v for v in _crandom_like(args, np.random.default_rng(3)))
    d = osc.derivatives_along(lambda a: fn(*a), args, vs, 3)
    want = _nested(lambda t: fn(*(a + t * v for a, v in zip(args, vs))), 3)
    for j in range(4):
        np.testing.assert_allclose(d[j], want[j], rtol=1e-8, atol=1e-10, err_msg=f"order {j}")


# --------------------------------------------------------------------------- registry coverage

#: Engine primitives never bound with complex values, with the reason, by group.
_ORDERING = "orderings and comparisons: NumPy orders complex numbers lexicographically; no derivative"
_PIECEWISE = ("piecewise constant, no derivative (floor, ceil, trunc, floor_divide, signbit have no complex loop in "
              "NumPy; the logical operations take booleans)")
_REAL_SPECIAL = ("a real special function: SciPy has no complex loop for it, or (jv, iv, kv, yv, hyp1f1, hyp2f1, "
                 "xlogy) its rules are written for real arguments and unchecked on complex ones")
_REAL_PARTS = "|z| and angle(z) go through real/imag into hypot/arctan2: the primitive itself sees reals"
_REAL_INPUT = "real input by definition (the complex case is fft)"
_REAL_LINALG = "the sign of a real determinant (a complex slogdet's phase is det / |det|)"

REAL_ONLY = {
    **dict.fromkeys(["greater", "greater_equal", "less", "less_equal", "maximum", "minimum", "max", "min"],
                    _ORDERING),
    **dict.fromkeys(["logical_and", "logical_or", "logical_xor", "logical_not", "floor", "ceil", "rint",
                     "trunc", "floor_divide", "signbit", "gammasgn", "spacing", "nextafter"], _PIECEWISE),
    "sign": "the sign of a real, piecewise constant (a complex z's sign is z / |z|, through abs)",
    **dict.fromkeys(["abs", "hypot", "arctan2"], _REAL_PARTS),
    "cbrt": "real cube root: NumPy's cbrt has no complex loop",
    "logaddexp": "NumPy's logaddexp has no complex loop",
    **dict.fromkeys(["expit", "gammaln", "polygamma", "ndtri", "erfinv", "erfcinv", "logit", "log_expit", "entr",
                     "i0", "i1", "i0e", "i1e", "j0", "j1", "y0", "y1", "exprel", "k0", "k1", "k0e", "k1e", "exp10",
                     "sindg", "cosdg", "gammainc_da", "gammainc", "gammaincc", "betainc_d", "betainc", "xlogy",
                     "xlog1py", "rel_entr", "kl_div", "beta", "betaln", "jv", "yv", "yn", "iv", "ive", "kv", "kve",
                     "zeta", "zeta_ds", "riemann_zeta", "kv_dv", "kve_dv", "jv_dv", "yv_dv", "iv_dv", "ive_dv", "expn",
                     "poch", "hyp1f1", "hyp1f1_d", "hyp2f1", "hyp2f1_d", "huber", "pseudo_huber", "boxcox",
                     "boxcox1p", "inv_boxcox", "inv_boxcox1p", "gdtr", "gdtrc", "chdtr", "chdtrc", "pdtr", "pdtrc",
                     "bdtr", "bdtrc", "nbdtr", "nbdtrc", "fdtr", "fdtrc", "stdtr", "cosm1", "tandg", "cotdg", "erfi",
                     "wrightomega", "ellipk", "ellipe", "ellipkm1", "ellipkinc", "ellipeinc", "powm1", "binom",
                     "owens_t", "kn", "jve", "yve", "gammaincinv", "gammainccinv", "betaincinv", "gdtrix", "chdtri",
                     "pdtri", "bdtri", "nbdtri", "fdtri", "stdtrit"], _REAL_SPECIAL),
    **dict.fromkeys(["digamma", "gamma", "rgamma"], "not yet complex-capable: first derivatives hold, the second "
                    "needs polygamma of a complex argument (SciPy's zeta has no complex loop)"),
    "loggamma": "not yet complex-capable: its rule casts a complex argument to real (ComplexWarning)",
    "log_ndtr": "not yet complex-capable: its rule picks a formula with `less` on complex values (lexicographic)",
    "spence": "not yet complex-capable: its rule binds the real-only abs and sign on complex values",
    **dict.fromkeys(["eval_legendre", "eval_chebyt", "eval_chebyu", "eval_chebyc", "eval_chebys", "eval_hermite",
                     "eval_hermitenorm", "eval_laguerre", "eval_genlaguerre", "eval_gegenbauer", "eval_jacobi",
                     "eval_sh_legendre", "eval_sh_chebyt", "eval_sh_chebyu", "eval_sh_jacobi"],
                    "orthogonal polynomials: SciPy has complex loops, but the rules (degree reflections, nan masks) "
                    "are written for real x and unchecked on complex ones"),
    "lpmv": "associated Legendre function of real x: SciPy has no complex loop for it",
    # osculate.ad.prims.special_misc
    **dict.fromkeys(["voigt_profile", "faddeeva_re", "faddeeva_im", "struve", "modstruve", "ber", "bei", "ker", "kei",
                     "berp", "beip", "kerp", "keip", "zetac", "ndtri_exp", "hyp0f1", "betaincc", "betainccinv",
                     "elliprf", "elliprd", "elliprc", "elliprg", "elliprj", "elliprf_d", "elliprd_d", "elliprj_d",
                     "agm", "radian", "spherical_jn", "spherical_yn", "spherical_in", "spherical_kn",
                     "spherical_jn_d", "spherical_yn_d", "spherical_in_d", "spherical_kn_d"], _REAL_SPECIAL),
    **dict.fromkeys(["airy_ai", "airy_aip", "airy_bi", "airy_bip"],
                    "airy of real z only: osculate.scipy.special.airy refuses a complex traced z"),
    **dict.fromkeys(["ellipj_sn", "ellipj_cn", "ellipj_dn", "ellipj_ph"], _REAL_SPECIAL),
    # osculate.ad.prims.special_complex (lambertw, wofz and the Hankel functions have complex rows)
    **dict.fromkeys(["modfresnelp_f", "modfresnelp_k", "modfresnelm_f", "modfresnelm_k"],
                    "real x by definition (SciPy's loop is real to complex)"),
    # osculate.ad.prims.special_stat
    **dict.fromkeys(["gdtria", "gdtrib", "chdtriv", "pdtrik", "stdtridf", "fdtridfd", "btdtria", "btdtrib", "bdtrik",
                     "bdtrin", "nbdtrik", "nbdtrin", "nrdtrimn", "nrdtrisd", "kolmogorov", "kolmogorov_d", "kolmogi",
                     "smirnov", "smirnov_d", "smirnovi", "tklmbda", "chndtr", "chndtr_pdf", "chndtr_dk", "chndtrix",
                     "chndtridf", "chndtrinc", "ncfdtr", "ncf_h", "ncfdtri", "nctdtr", "nct_s", "nctdtrit"],
                    _REAL_SPECIAL),
    # osculate.ad.prims.special_ode
    **dict.fromkeys(["wright_bessel", "log_wright_bessel", "hyperu", "besselpoly", "itj0y0_j", "itj0y0_y",
                     "it2j0y0_j", "it2j0y0_y", "iti0k0_i", "iti0k0_k", "it2i0k0_i", "it2i0k0_k", "itstruve0",
                     "it2struve0", "itmodstruve0", "itairy_apt", "itairy_bpt", "itairy_ant", "itairy_bnt", "pbdv",
                     "pbdv_d", "pbvv", "pbvv_d", "pbwa", "pbwa_d", "mathieu_cem", "mathieu_cem_d", "mathieu_sem",
                     "mathieu_sem_d", "mathieu_modcem1", "mathieu_modcem1_d", "mathieu_modcem2", "mathieu_modcem2_d",
                     "mathieu_modsem1", "mathieu_modsem1_d", "mathieu_modsem2", "mathieu_modsem2_d",
                     "mathieu_a_cv", "mathieu_b_cv", "pro_ang1", "pro_ang1_d", "pro_rad1", "pro_rad1_d", "obl_ang1",
                     "obl_ang1_d", "obl_rad1", "obl_rad1_d", "pro_ang1_cv", "pro_ang1_cv_d", "pro_rad1_cv",
                     "pro_rad1_cv_d", "obl_ang1_cv", "obl_ang1_cv_d", "obl_rad1_cv", "obl_rad1_cv_d", "pro_cv_x",
                     "obl_cv_x", "mathieu_a", "mathieu_b", "pro_cv", "obl_cv"], _REAL_SPECIAL),
    **dict.fromkeys(["mathieu_a_fourier_sign", "mathieu_b_fourier_sign"], _PIECEWISE),
    # osculate.ad.prims.special_more
    **dict.fromkeys(["airye_ai", "airye_aip", "airye_bi", "airye_bip"],
                    "airye of real z only: osculate.scipy.special.airye refuses a complex traced z"),
    **dict.fromkeys(["ncfdtridfd", "ncfdtridfn", "ncfdtrinc", "nctdtridf", "nctdtrinc"], _REAL_SPECIAL),
    "special_round": _PIECEWISE,
    "cholesky_banded": "its derivative solves the banded tangent system of a real factor; a complex (Hermitian) "
                       "factor's tangent is not C-linear and is not implemented (NotImplementedError)",
    "rfft": _REAL_INPUT,
    "sign_det": _REAL_LINALG,
    "implicit_solve": "implicit functions solve real equations (their solutions are cast to float); write a "
                      "complex root as its real and imaginary parts",
}

#: Primitives nothing binds: made by osc.jit inside staged programs and run by the replay (which
#: test_jit_stages_once_and_replays exercises on complex cotangents: add(a, scatter(...)) fuses into it).
# the nodes osc.jit makes inside staged programs (fused scatter-adds, guards, control flow)
NEVER_BOUND = {name: p.missing["jvp"] for name, p in engine_primitives().items()
               if "never traced" in p.missing.get("jvp", "")}


def _is_complex(x):
    dt = getattr(x, "dtype", None)
    return dt is not None and np.dtype(dt).kind == "c"


@functools.cache
def _reached_with_complex():
    """``{primitive name: row ids}`` for every primitive some row binds with a
    complex argument: the value, first and second derivatives in both modes,
    vmap, jit and Taylor mode."""
    reached: dict = {}
    original = Primitive.bind
    current = [None]

    def bind(prim, *args, **params):
        if any(_is_complex(a) for a in args):
            reached.setdefault(prim.name, set()).add(current[0])
        return original(prim, *args, **params)

    Primitive.bind = bind
    try:
        for cid in IDS:
            current[0] = cid
            fn, _ = TABLE[cid]
            args = _draw(cid)
            check_grads(fn, args, order=2, modes=("fwd", "rev"))
            osc.vmap(fn)(*(np.stack([a, a]) for a in args))
            osc.jit(fn)(*args)
            osc.derivatives_along(lambda a: fn(*a), args, args, 2)
    finally:
        Primitive.bind = original
    return reached


@pytest.mark.parametrize("name", sorted(engine_primitives()))
def test_every_primitive_is_reached_with_complex_values_or_says_why_not(name):
    reached = _reached_with_complex()
    if name in NEVER_BOUND:
        assert name not in reached and name not in REAL_ONLY
        return
    if name in REAL_ONLY:
        assert name not in reached, (
            f"{name!r} is listed in REAL_ONLY ({REAL_ONLY[name]}) but rows {sorted(reached[name])} bind it with "
            "complex values: take it off the list")
    else:
        assert name in reached, (
            f"primitive {name!r} ({defined_in(engine_primitives()[name])}) is bound with complex values by no row: "
            "add a row to tests/_complex_rows.py, or list it in REAL_ONLY with the reason")


def test_real_only_names_engine_primitives():
    assert set(REAL_ONLY) | set(NEVER_BOUND) <= set(engine_primitives())


# --------------------------------------------------------------------------- Cauchy–Riemann

HOLOMORPHIC = {
    "exp": np.exp, "expm1": np.expm1, "exp2": np.exp2, "log": np.log, "log1p": np.log1p, "log2": np.log2,
    "log10": np.log10, "sqrt": np.sqrt, "square": np.square, "reciprocal": np.reciprocal, "positive": np.positive,
    "neg": np.negative, "sin": np.sin, "cos": np.cos, "tan": np.tan, "arcsin": np.arcsin, "arccos": np.arccos,
    "arctan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "arcsinh": np.arcsinh,
    "arccosh": np.arccosh, "arctanh": np.arctanh, "pow": lambda z: z ** (1.5 - 0.5j),
    "mul": lambda z: z * (0.5 + 2j) * z, "div": lambda z: (1.0 - 1j) / (z + 2.0),
    "add": lambda z: z + z * 1j, "sub": lambda z: 2j - z,
    # SciPy's special functions with complex loops
    "erf": special.erf, "erfc": special.erfc, "erfcx": special.erfcx, "dawsn": special.dawsn, "ndtr": special.ndtr,
    "exp1": special.exp1, "expi": special.expi, "fresnel_s": lambda z: special.fresnel(z)[0],
    "fresnel_c": lambda z: special.fresnel(z)[1], "sici_si": lambda z: special.sici(z)[0],
    "sici_ci": lambda z: special.sici(z)[1], "shichi_shi": lambda z: special.shichi(z)[0],
    "shichi_chi": lambda z: special.shichi(z)[1],
}
POINTS = {"arccosh": 2.0 + 0.3j, "exp1": 1.3 + 0.4j, "expi": 1.3 + 0.4j, "sici_ci": 1.3 + 0.4j,
          "shichi_chi": 1.3 + 0.4j, "log": 1.3 + 0.4j, "log1p": 1.3 + 0.4j, "log2": 1.3 + 0.4j, "log10": 1.3 + 0.4j,
          "sqrt": 1.3 + 0.4j, "pow": 1.3 + 0.4j, "reciprocal": 1.3 + 0.4j}


@pytest.mark.parametrize("name", sorted(HOLOMORPHIC))
def test_cauchy_riemann(name):
    """The real Jacobian of z -> f(z) in (x, y) is [[a, -b], [b, a]], and a + ib
    is the complex derivative that grad(holomorphic=True) gives."""
    f = HOLOMORPHIC[name]
    z0 = np.complex128(POINTS.get(name, 0.4 - 0.3j))

    def real_form(w):
        y = f(w[0] + 1j * w[1])
        return np.stack([np.real(y), np.imag(y)])

    w0 = np.array([z0.real, z0.imag])
    for J in (osc.jacfwd(real_form)(w0), osc.jacrev(real_form)(w0)):
        (a, mb), (b, a2) = J
        np.testing.assert_allclose([a2, mb], [a, -b], rtol=1e-12, atol=1e-14)
        h = 1e-6
        fd = np.stack([(real_form(w0 + h * e) - real_form(w0 - h * e)) / (2 * h) for e in np.eye(2)], axis=1)
        np.testing.assert_allclose(J, fd, rtol=1e-6, atol=1e-8)
        d = osc.grad(f, holomorphic=True)(z0)
        np.testing.assert_allclose(d, a + 1j * b, rtol=1e-12, atol=1e-14)


def test_cauchy_riemann_covers_every_holomorphic_elementwise_primitive_reached():
    """Every elementwise primitive of ``prims.unary`` (and the holomorphic
    arithmetic) that the table reaches with complex values has a
    Cauchy–Riemann case."""
    reached = _reached_with_complex()
    elementwise = {n for n in reached if defined_in(engine_primitives()[n]).endswith(".unary")}
    elementwise |= {"add", "sub", "mul", "div", "neg", "pow"} & set(reached)
    assert elementwise <= set(HOLOMORPHIC), elementwise - set(HOLOMORPHIC)


# --------------------------------------------------------------------------- complex64 and promotion

C64_ROWS = ["exp", "mul", "divide", "sqrt", "sum-mean", "matmul", "einsum", "fft", "fft2", "getitem", "cumprod",
            "real-imag-conj", "inv"]


@pytest.mark.parametrize("cid", C64_ROWS)
def test_complex64_stays_complex64(cid):
    fn, _ = TABLE[cid]
    args = _draw(cid)
    args32 = tuple(a.astype(np.complex64) if np.iscomplexobj(a) else a.astype(np.float32) for a in args)
    tans = tuple(t.astype(a.dtype) for t, a in zip(_crandom_like(args, np.random.default_rng(4)), args32))
    want = fn(*args32)  # NumPy's own result dtype
    y, t = osc.jvp(fn, args32, tans)
    assert y.dtype == want.dtype and t.dtype == want.dtype, (y.dtype, t.dtype, want.dtype)
    np.testing.assert_allclose(y, fn(*args), rtol=2e-5, atol=2e-5)
    np.testing.assert_allclose(t, osc.jvp(fn, args, tuple(x.astype(complex) if np.iscomplexobj(x) else x
                                                           for x in tans))[1], rtol=1e-4, atol=1e-4)
    y, pullback = osc.vjp(fn, *args32)
    cts = pullback(np.ones_like(y))
    for c, a in zip(cts, args32):
        assert c.dtype == a.dtype, (c.dtype, a.dtype)
    assert osc.vmap(fn)(*(np.stack([a, a]) for a in args32)).dtype == want.dtype
    assert osc.jit(fn)(*args32).dtype == want.dtype


DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


@pytest.mark.parametrize("op", ["add", "mul", "div", "matmul", "where"])
@pytest.mark.parametrize("da", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("db", DTYPES, ids=lambda d: np.dtype(d).name)
def test_mixed_promotion_matches_numpy(op, da, db):
    f = {"add": np.add, "mul": np.multiply, "div": np.divide, "matmul": np.matmul,
         "where": lambda a, b: np.where(np.array([True, False]), a, b[0])}[op]
    r = np.random.default_rng(5)
    a = (r.standard_normal((2, 2)) + (1j * r.standard_normal((2, 2)) if np.dtype(da).kind == "c" else 0)).astype(da)
    b = (r.standard_normal((2, 2)) + (1j * r.standard_normal((2, 2)) if np.dtype(db).kind == "c" else 0)).astype(db)
    want = np.result_type(f(a, b))
    y, t = osc.jvp(f, (a, b), (np.ones_like(a), np.ones_like(b)))
    assert y.dtype == want and t.dtype == want, (y.dtype, t.dtype, want)
    y, pullback = osc.vjp(f, a, b)
    ca, cb = pullback(np.ones_like(y))
    assert (ca.dtype, cb.dtype) == (a.dtype, b.dtype)


# --------------------------------------------------------------------------- sparsity

_W = np.array([0.5, 1.0, 2.0, 1.5, 0.7, 1.2])
SPARSITY = {
    "power spectrum": (lambda x: np.sum(np.abs(np.fft.fft(x)) ** 2 * _W), 6),
    "|z|² in real coordinates": (lambda w: np.sum(np.real((w[:3] + 1j * w[3:]) * np.conj(w[:3] + 1j * w[3:]))), 6),
    "neighbours": (lambda w: np.sum(np.real(np.exp(1j * w[1:]) * np.conj(w[:-1] + 1j * w[1:]))), 6),
    "complex product": (lambda w: np.real(np.prod(w[:3] + 1j * w[3:])) + np.sum(np.imag(np.sqrt(w + 2j)) ** 2), 6),
}


@pytest.mark.parametrize("name", sorted(SPARSITY))
def test_hessian_sparsity_with_complex_intermediates_contains_the_hessian(name):
    f, n = SPARSITY[name]
    x = np.random.default_rng(6).standard_normal(n)
    H = osc.hessian(f)(x)
    for mode in ("global", "local"):
        pattern = osc.hessian_sparsity(f, x, mode=mode).toarray()
        missing = (np.abs(H) > 1e-12) & ~pattern
        assert not missing.any(), f"{mode}: nonzeros outside the pattern at {np.argwhere(missing).tolist()}"
