"""Routing plain NumPy calls on tracers to the traced namespace
(:mod:`osculate.ad.numpy`, public as :mod:`osculate.numpy`).

``Tracer.__array_ufunc__`` and ``Tracer.__array_function__`` land here; so do
the Python operators, which are attached to :class:`~osculate.ad.core.Tracer`
at the bottom of this module.

What cannot be traced is explained here too: a NumPy or SciPy function
without a rule names what to write instead (:data:`ALTERNATIVES`), and a
conversion of a tracer to a number or a plain array (``__float__``,
``__array__``) says where it came from: a store ``y[i] = value`` into a NumPy
array, or a NumPy/SciPy function that converts its inputs.
"""

from __future__ import annotations

import dis
import sys
import types

import numpy as np
from scipy import special

from . import numpy as osc_np
from .numpy import ufunc_methods
from .core import ConcretizationError, Tracer, UnsupportedConversionError, UnsupportedFunctionError
from .prims import arithmetic, structural
from .prims import bessel as prims_bessel
from .prims import special as prims_special
from .prims import special_more, special_complex, special_extra, special_misc, special_ode, special_poly, special_stat
from .prims.nondiff import NONDIFF
from .prims.unary import UNARY

__all__ = ["dispatch_ufunc", "dispatch_function", "UnsupportedFunctionError", "ALTERNATIVES", "unsupported_message"]


# --------------------------------------------------------------------------- what to write instead

#: What to write instead of a NumPy or SciPy function that osculate cannot
#: trace, by public name (a package name such as ``"scipy.stats"`` covers the
#: functions of that package without an entry of their own).  Every entry is
#: checked by ``tests/test_ad_errors.py``: the error names it, and the
#: replacement, run on traced values, agrees with the original.
ALTERNATIVES = {
    # SciPy functions with an osculate equivalent
    "scipy.special.logsumexp": "use osculate.scipy.special.logsumexp instead (the same signature, "
                               "without return_sign)",
    "scipy.special.softmax": "use osculate.scipy.special.softmax instead (the same signature)",
    "scipy.special.log_softmax": "use osculate.scipy.special.log_softmax instead (the same signature)",
    "scipy.special.polygamma": "use osculate.scipy.special.polygamma instead (the same signature)",
    "scipy.special.multigammaln": "use osculate.scipy.special.multigammaln instead (the same signature)",
    "scipy.special.spherical_jn": "use osculate.scipy.special.spherical_jn instead (the same signature)",
    "scipy.special.spherical_yn": "use osculate.scipy.special.spherical_yn instead (the same signature)",
    "scipy.special.spherical_in": "use osculate.scipy.special.spherical_in instead (the same signature)",
    "scipy.special.spherical_kn": "use osculate.scipy.special.spherical_kn instead (the same signature)",
    "scipy.special.diric": "use osculate.scipy.special.diric instead (the same signature)",
    "scipy.special.comb": "use osculate.scipy.special.comb instead (the same signature; exact=False when traced)",
    "scipy.special.perm": "use osculate.scipy.special.perm instead (the same signature; exact=False when traced)",
    "scipy.special.lqn": "use osculate.scipy.special.lqn instead (the same signature; real z when traced)",
    "scipy.special.lqmn": "use osculate.scipy.special.lqmn instead (the same signature; real z when traced)",
    "scipy.special.jacobi": "use osculate.scipy.special.jacobi instead (the same signature)",
    "scipy.special.sh_jacobi": "use osculate.scipy.special.sh_jacobi instead (the same signature)",
    "scipy.special.roots_jacobi": "use osculate.scipy.special.roots_jacobi instead (the same signature)",
    "scipy.special.roots_sh_jacobi": "use osculate.scipy.special.roots_sh_jacobi instead (the same signature)",
    "scipy.linalg.solve": "use osculate.scipy.linalg.solve instead (the same signature)",
    "scipy.linalg.inv": "use osculate.scipy.linalg.inv instead (the same signature)",
    "scipy.linalg.det": "use osculate.scipy.linalg.det instead (the same signature)",
    "scipy.linalg.cholesky": "use osculate.scipy.linalg.cholesky instead (the same signature)",
    "scipy.linalg.cho_factor": "use osculate.scipy.linalg.cho_factor instead (the same signature)",
    "scipy.linalg.cho_solve": "use osculate.scipy.linalg.cho_solve instead (the same signature)",
    "scipy.linalg.solve_triangular": "use osculate.scipy.linalg.solve_triangular instead (the same signature)",
    "scipy.linalg.lu_factor": "use osculate.scipy.linalg.lu_factor instead (the same signature)",
    "scipy.linalg.lu_solve": "use osculate.scipy.linalg.lu_solve instead (the same signature)",
    "scipy.linalg.lu": "use osculate.scipy.linalg.lu instead (the same signature)",
    "scipy.linalg.eigh": "use osculate.scipy.linalg.eigh instead (the same signature; the standard problem, b=None)",
    "scipy.linalg.eigvalsh": "use osculate.scipy.linalg.eigvalsh instead "
                             "(the same signature; the standard problem, b=None)",
    "scipy.linalg.norm": "use osculate.scipy.linalg.norm instead (the same signature)",
    "scipy.linalg.expm": "use osculate.scipy.linalg.expm instead (the same signature)",
    "scipy.linalg.expm_frechet": "use osculate.scipy.linalg.expm_frechet instead (the same signature)",
    "scipy.linalg.logm": "use osculate.scipy.linalg.logm instead "
                         "(the same signature; symmetric positive definite input)",
    "scipy.linalg.sqrtm": "use osculate.scipy.linalg.sqrtm instead "
                          "(the same signature; symmetric positive definite input)",
    "scipy.fft": "use osculate.scipy.fft instead (the same transforms and signatures)",
    "scipy.linalg.block_diag": "use osculate.scipy.linalg.block_diag instead (the same signature)",
    "scipy.linalg.svd": "use osculate.scipy.linalg.svd instead (the same signature)",
    "scipy.linalg.svdvals": "use osculate.scipy.linalg.svdvals instead (the same signature)",
    "scipy.linalg.qr": "use osculate.scipy.linalg.qr instead (the same signature; mode='raw' is not supported)",
    "scipy.linalg.pinv": "use osculate.scipy.linalg.pinv instead (the same signature)",
    "scipy.linalg.pinvh": "use osculate.scipy.linalg.pinvh instead (the same signature)",
    "scipy.linalg.lstsq": "use osculate.scipy.linalg.lstsq instead (the same signature)",
    "scipy.linalg.toeplitz": "use osculate.scipy.linalg.toeplitz instead (the same signature)",
    "scipy.linalg.circulant": "use osculate.scipy.linalg.circulant instead (the same signature)",
    "scipy.linalg.hankel": "use osculate.scipy.linalg.hankel instead (the same signature; 1-d c and r)",
    "scipy.linalg.companion": "use osculate.scipy.linalg.companion instead (the same signature)",
    "scipy.linalg.khatri_rao": "use osculate.scipy.linalg.khatri_rao instead (the same signature)",
    "scipy.linalg.solve_sylvester": "use osculate.scipy.linalg.solve_sylvester instead (the same signature)",
    "scipy.linalg.solve_continuous_lyapunov": "use osculate.scipy.linalg.solve_continuous_lyapunov instead "
                                               "(the same signature)",
    "scipy.linalg.solve_discrete_lyapunov": "use osculate.scipy.linalg.solve_discrete_lyapunov instead "
                                             "(the same signature)",
    "scipy.linalg.solve_continuous_are": "use osculate.scipy.linalg.solve_continuous_are instead "
                                          "(the same signature, without e and s)",
    "scipy.linalg.solve_discrete_are": "use osculate.scipy.linalg.solve_discrete_are instead "
                                       "(the same signature, without e and s)",
    "scipy.linalg.solve_banded": "use osculate.scipy.linalg.solve_banded instead (the same signature)",
    "scipy.linalg.solveh_banded": "use osculate.scipy.linalg.solveh_banded instead (the same signature)",
    "scipy.linalg.cholesky_banded": "use osculate.scipy.linalg.cholesky_banded instead (the same signature)",
    "scipy.linalg.cho_solve_banded": "use osculate.scipy.linalg.cho_solve_banded instead (the same signature)",
    "scipy.linalg.solve_toeplitz": "use osculate.scipy.linalg.solve_toeplitz instead (the same signature)",
    "scipy.linalg.matmul_toeplitz": "use osculate.scipy.linalg.matmul_toeplitz instead (the same signature)",
    "scipy.linalg.orth": "use osculate.scipy.linalg.orth instead (the same signature)",
    "scipy.linalg.null_space": "use osculate.scipy.linalg.null_space instead (the same signature)",
    "scipy.linalg.polar": "use osculate.scipy.linalg.polar instead (the same signature)",
    "scipy.linalg.orthogonal_procrustes": "use osculate.scipy.linalg.orthogonal_procrustes instead (the same signature)",
    "scipy.linalg.subspace_angles": "use osculate.scipy.linalg.subspace_angles instead (the same signature)",
    "scipy.linalg.convolution_matrix": "use osculate.scipy.linalg.convolution_matrix instead (the same signature)",
    "scipy.linalg.leslie": "use osculate.scipy.linalg.leslie instead (the same signature)",
    "scipy.linalg.fiedler": "use osculate.scipy.linalg.fiedler instead (the same signature)",
    "scipy.linalg.fiedler_companion": "use osculate.scipy.linalg.fiedler_companion instead (the same signature)",
    "scipy.linalg.diagsvd": "use osculate.scipy.linalg.diagsvd instead (the same signature)",
    "scipy.linalg.fractional_matrix_power": "use osculate.scipy.linalg.fractional_matrix_power instead "
                                            "(the same signature; symmetric positive definite input unless t is "
                                            "an integer)",
    "scipy.linalg.sinm": "use osculate.scipy.linalg.sinm instead (the same signature)",
    "scipy.linalg.cosm": "use osculate.scipy.linalg.cosm instead (the same signature)",
    "scipy.linalg.tanm": "use osculate.scipy.linalg.tanm instead (the same signature)",
    "scipy.linalg.sinhm": "use osculate.scipy.linalg.sinhm instead (the same signature)",
    "scipy.linalg.coshm": "use osculate.scipy.linalg.coshm instead (the same signature)",
    "scipy.linalg.tanhm": "use osculate.scipy.linalg.tanhm instead (the same signature)",
    "scipy.spatial.distance.pdist": "use osculate.scipy.spatial.distance.pdist instead (the same signature)",
    "scipy.spatial.distance.cdist": "use osculate.scipy.spatial.distance.cdist instead (the same signature)",
    "scipy.spatial.distance.squareform": "use osculate.scipy.spatial.distance.squareform instead (the same signature)",
    "scipy.spatial.distance.euclidean": "use osculate.scipy.spatial.distance.euclidean instead (the same signature)",
    "scipy.spatial.distance.sqeuclidean": "use osculate.scipy.spatial.distance.sqeuclidean instead (the same signature)",
    "scipy.spatial.distance.cityblock": "use osculate.scipy.spatial.distance.cityblock instead (the same signature)",
    "scipy.spatial.distance.minkowski": "use osculate.scipy.spatial.distance.minkowski instead (the same signature)",
    "scipy.spatial.distance.chebyshev": "use osculate.scipy.spatial.distance.chebyshev instead (the same signature)",
    "scipy.spatial.distance.cosine": "use osculate.scipy.spatial.distance.cosine instead (the same signature)",
    "scipy.spatial.distance.correlation": "use osculate.scipy.spatial.distance.correlation instead (the same signature)",
    "scipy.spatial.distance.seuclidean": "use osculate.scipy.spatial.distance.seuclidean instead (the same signature)",
    "scipy.spatial.distance.mahalanobis": "use osculate.scipy.spatial.distance.mahalanobis instead (the same signature)",
    "scipy.spatial.distance.braycurtis": "use osculate.scipy.spatial.distance.braycurtis instead (the same signature)",
    "scipy.spatial.distance.canberra": "use osculate.scipy.spatial.distance.canberra instead (the same signature)",
    "scipy.spatial.distance.jensenshannon": "use osculate.scipy.spatial.distance.jensenshannon instead (the same signature)",
    **{f"scipy.spatial.distance.{_n}": f"use osculate.scipy.spatial.distance.{_n} instead (the same signature)"
       for _n in ("hamming", "jaccard", "dice", "rogerstanimoto", "russellrao", "sokalsneath", "yule",
                  "directed_hausdorff")},
    **{f"scipy.optimize.{_n}": (
        f"use osculate.scipy.optimize.root(F, x0, args=(...), method={_m!r}) instead, the same solver, with the values "
        f"F closes over passed through args (so that the root is differentiable in them); {_n}'s f_tol and x_tol "
        "are root's options fatol and xatol")
       for _n, _m in (("broyden1", "broyden1"), ("broyden2", "broyden2"), ("anderson", "anderson"),
                      ("diagbroyden", "diagbroyden"), ("excitingmixing", "excitingmixing"),
                      ("linearmixing", "linearmixing"), ("newton_krylov", "krylov"))},
    "scipy.stats": "use osculate.scipy.stats instead (the same distributions and signatures, "
                   "e.g. osculate.scipy.stats.norm.logpdf(x, loc, scale))",
    # NumPy functions without a differentiation rule, and what does the same
    "numpy.copyto": "values are immutable under differentiation: use the source array itself, or "
                    "np.where(mask, src, dst)",
    "numpy.put": "values are immutable under differentiation: write a = osculate.numpy.set_at(a, idx, v), "
                 "which returns a new array",
    "numpy.putmask": "values are immutable under differentiation: write a = np.where(mask, v, a)",
    "numpy.fill_diagonal": "a plain array cannot hold traced values: write a = osculate.numpy.set_diagonal(a, val), "
                           "which returns a new array (on a traced array, np.fill_diagonal works in place)",
    "numpy.place": "values are immutable under differentiation: write a = np.where(mask, v, a)",
    "numpy.r_": "use np.concatenate([...]) (or np.stack for a new axis) instead",
    "numpy.vectorize": "np.vectorize calls the function on plain numbers; apply NumPy functions to the "
                       "whole array instead (np.exp(x) rather than np.vectorize(math.exp)(x))",
}


def unsupported_message(name, why=""):
    """One line saying that ``name`` cannot be traced and what to write
    instead (from :data:`ALTERNATIVES`)."""
    head = f"{name} is not supported on traced values by osculate{why}"
    parts = name.split(" (")[0].split(".")  # "scipy.stats (rv_continuous.logpdf)" is looked up as scipy.stats
    hint = ALTERNATIVES.get(".".join(parts))
    while hint is None and len(parts) > 1:
        parts.pop()
        hint = ALTERNATIVES.get(".".join(parts))
    if hint is not None:
        return f"{head}; {hint}"
    ours = _osculate_equivalent(name)
    if ours is not None:
        return f"{head}; use {ours} instead (the same signature: the plain call does not reach osculate)"
    if name.startswith("scipy"):
        return (
            f"{head}, and osculate has no equivalent of it yet; to use it in a differentiated function, "
            "wrap it with osculate.custom_jvp and give its derivative (or use osculate.custom_vjp)"
        )
    return (
        f"{head}; see osculate.numpy for the supported functions, or wrap your own code with "
        "osculate.custom_jvp / custom_vjp"
    )


def _osculate_equivalent(name):
    """``osculate.numpy.f`` (``osculate.scipy.m.f``) when osculate has the function
    ``name`` (``numpy.f``, ``scipy.m.f``; or the class of ``scipy.m (Cls.method)``)
    of its own, else None."""
    qualified, _, method = name.partition(" (")
    if method:  # "scipy.interpolate (CubicSpline.__init__)": a class of the module scipy.interpolate
        module, function = qualified, method.split(".")[0]
    else:
        module, _, function = qualified.rpartition(".")
    ours = {"numpy": "osculate.ad.numpy", "numpy.linalg": "osculate.ad.numpy.linalg",
            "numpy.fft": "osculate.ad.numpy.fft", "scipy.special": "osculate.ad.scipy.special", "scipy.linalg": "osculate.ad.scipy.linalg",
            "scipy.stats": "osculate.ad.scipy.stats",
            "scipy.spatial.distance": "osculate.ad.scipy.spatial.distance", "scipy.integrate": "osculate.ad.scipy.integrate",
            "scipy.interpolate": "osculate.ad.scipy.interpolate", "scipy.signal": "osculate.ad.scipy.signal",
            "scipy.ndimage": "osculate.ad.scipy.ndimage", "scipy.optimize": "osculate.ad.scipy.optimize"}.get(module)
    found = sys.modules.get(ours) if ours else None
    if found is None or function not in getattr(found, "__all__", ()):
        return None
    return f"osculate.{module}.{function}"


def _ufunc_name(ufunc):
    name = ufunc.__name__
    if getattr(np, name, None) is ufunc:
        return "numpy." + name
    if getattr(special, name, None) is ufunc:
        return "scipy.special." + name
    return f"NumPy ufunc '{name}'"


_UFUNCS = {}
for _name in (
    "add subtract multiply divide true_divide negative positive power float_power maximum minimum fmax fmin "
    "arctan2 hypot logaddexp exp expm1 exp2 log log1p log2 log10 sqrt cbrt square reciprocal "
    "absolute fabs sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh greater "
    "greater_equal less less_equal equal not_equal logical_and logical_or logical_xor logical_not sign "
    "floor ceil rint trunc floor_divide remainder mod fmod isnan isinf isfinite signbit matmul "
    "logaddexp2 degrees radians rad2deg deg2rad conjugate heaviside copysign ldexp frexp modf vecdot matvec vecmat divmod "
    "spacing nextafter"
).split():
    _uf = getattr(np, _name)
    _UFUNCS[_uf] = getattr(osc_np, "abs" if _name == "absolute" else _name)
for _name in ("erf", "erfc", "expit", "gammaln", "digamma", "expm1", "log1p", "exp2", "cbrt"):
    _UFUNCS[getattr(special, _name)] = getattr(osc_np, _name)  # SciPy's own ufuncs for these compute the same


def _special_ufunc(name, fn):
    def call(*inputs, **kwargs):
        if kwargs:
            raise TypeError(f"scipy.special.{name}: keyword argument(s) {sorted(kwargs)} are not supported on traced values")
        return fn(*inputs)

    return call


for _name, _fn in (list(prims_special.FUNCTIONS.items()) + list(special_extra.EXTRA_FUNCTIONS.items())
                  + list(special_poly.POLY_FUNCTIONS.items()) + list(special_misc.MISC_FUNCTIONS.items())
                  + list(special_stat.STAT_FUNCTIONS.items()) + list(special_ode.ODE_FUNCTIONS.items())
                  + list(special_more.MORE_FUNCTIONS.items())):
    _UFUNCS[getattr(special, _name)] = _special_ufunc(_name, _fn)  # SciPy's special functions that are primitives


def _lambertw_ufunc(z, k, tol, **kwargs):
    """SciPy's ``lambertw`` calls the ufunc ``_lambertw(z, k, tol)``: the branch ``k`` is a constant."""
    if kwargs or np.ndim(k) or np.ndim(tol):
        raise TypeError("scipy.special.lambertw on traced values: k and tol must be single numbers (constants)")
    return special_complex.lambertw(z, int(k), float(tol))


for _name, _fn in special_complex.COMPLEX_FUNCTIONS.items():  # complex-valued special functions
    if _name != "lambertw":
        _UFUNCS[getattr(special, _name)] = _special_ufunc(_name, _fn)
_UFUNCS[special._ufuncs._lambertw] = _lambertw_ufunc


_FAST = {np.add: arithmetic.add_p, np.subtract: arithmetic.sub_p, np.multiply: arithmetic.mul_p, np.true_divide: arithmetic.div_p,
         np.power: arithmetic.pow_p, np.negative: arithmetic.neg_p}
for _name, _p in UNARY.items():
    if _name not in ("polygamma", "abs") and hasattr(np, _name):  # (|z| of a complex z is not the real abs)
        _FAST[getattr(np, _name)] = _p
for _name, _p in list(UNARY.items()) + list(prims_special.SPECIAL2.items()) + [("gammasgn", NONDIFF["gammasgn"])]:
    if _name in prims_special.FUNCTIONS and _name not in ("betainc", "zeta"):
        _FAST[getattr(special, _name)] = _p
_UFUNCS.pop(special.zeta)  # (a Python function: scipy.special.zeta(x, q) calls the ufunc _zeta)
_FAST[special._ufuncs._zeta] = prims_special.SPECIAL2["zeta"]
_FAST[special._ufuncs._riemann_zeta] = prims_bessel.ORDER_FAMILIES["riemann_zeta"]  # scipy.special.zeta(x)


_BOOL_UFUNCS = {np.bitwise_and: "logical_and", np.bitwise_or: "logical_or", np.bitwise_xor: "logical_xor",
                np.invert: "logical_not"}


def dispatch_ufunc(ufunc, method, inputs, kwargs):
    if method == "__call__":
        if not kwargs:
            p = _FAST.get(ufunc)
            if p is not None:
                return p.bind(*inputs)
        fn = _UFUNCS.get(ufunc)
        if fn is None and ufunc in _BOOL_UFUNCS:
            if any(getattr(a, "dtype", np.dtype(bool)) != np.dtype(bool) for a in inputs):
                raise UnsupportedFunctionError(
                    f"{_ufunc_name(ufunc)} is supported on traced values only for boolean masks"
                )
            fn = getattr(osc_np, _BOOL_UFUNCS[ufunc])
        if fn is None:
            raise UnsupportedFunctionError(
                unsupported_message(_ufunc_name(ufunc), f" (ufunc '{ufunc.__name__}' has no differentiation rule)")
            )
        return fn(*inputs, **kwargs)
    plain = set(kwargs) <= {"axis", "keepdims"}
    if method == "reduce" and ufunc in (np.add, np.multiply, np.maximum, np.minimum) and plain:
        red = {np.add: osc_np.sum, np.multiply: osc_np.prod, np.maximum: osc_np.max, np.minimum: osc_np.min}[ufunc]
        return red(inputs[0], axis=kwargs.get("axis", 0), keepdims=kwargs.get("keepdims", False))
    if method == "accumulate" and ufunc in (np.add, np.multiply) and set(kwargs) <= {"axis"}:
        acc = osc_np.cumsum if ufunc is np.add else osc_np.cumprod
        return acc(inputs[0], axis=kwargs.get("axis", 0))
    if method == "at" and ufunc is np.add:
        raise UnsupportedFunctionError(
            "np.add.at mutates its argument in place, which cannot be traced; "
            "use osculate.numpy.add_at(x, idx, values) (functional) instead"
        )
    fn = _FAST.get(ufunc) if ufunc.nin == 2 else None
    fn = fn.bind if fn is not None else _UFUNCS.get(ufunc) if ufunc.nin == 2 and ufunc.nout == 1 else None
    if fn is not None and method in ("reduce", "accumulate", "reduceat", "outer"):
        return getattr(ufunc_methods, method)(fn, ufunc, *inputs, **kwargs)
    raise UnsupportedFunctionError(
        f"NumPy ufunc method '{ufunc.__name__}.{method}' is not supported on traced values by osculate"
        + ("" if method == "at" else " (it has no differentiation rule)")
    )


_FUNCTIONS = {}
_FUNCTION_NAMES = (
    "sum mean var std max min amax amin prod cumsum cumprod reshape ravel transpose moveaxis swapaxes "
    "expand_dims squeeze broadcast_to broadcast_arrays atleast_1d atleast_2d concatenate stack hstack vstack "
    "column_stack split array_split flip fliplr flipud roll take take_along_axis repeat tile diagonal diag "
    "trace triu tril dot vdot inner outer tensordot einsum kron where clip round around argmax argmin argsort "
    "sort zeros_like ones_like full_like empty_like shape ndim size copy result_type "
    # composites (ad/numpy/composites.py)
    "diff ediff1d gradient cross interp polyval select piecewise sinc linspace logspace geomspace rot90 rollaxis "
    "atleast_3d hsplit vsplit dsplit append insert delete nan_to_num nansum nanmean nanvar nanstd nanmax nanmin "
    "average convolve correlate pad quantile percentile median nanquantile nanpercentile nanmedian partition allclose "
    "isclose array_equal "
    # complex numbers
    "real imag angle real_if_close iscomplexobj isrealobj iscomplex isreal "
    # ad/numpy/extras.py, polynomial.py, discrete.py, sets.py
    "ptp cumulative_sum cumulative_prod nancumsum nancumprod nanprod fix meshgrid block dstack diagflat unstack "
    "trapezoid cov corrcoef resize trim_zeros choose compress extract put_along_axis fill_diagonal apply_along_axis "
    "unwrap poly roots sort_complex polyadd polysub polymul polydiv polyder polyint polyfit vander all any "
    "count_nonzero isposinf "
    "isneginf nonzero argwhere flatnonzero searchsorted digitize nanargmax nanargmin argpartition lexsort "
    "array_equiv diag_indices_from tril_indices_from triu_indices_from histogram histogram_bin_edges bincount "
    "unique unique_values unique_counts unique_inverse unique_all union1d intersect1d setdiff1d setxor1d isin "
    "divmod matrix_transpose apply_over_axes histogram2d histogramdd can_cast min_scalar_type common_type "
    "einsum_path ix_"
).split()
for _name in _FUNCTION_NAMES:
    if hasattr(np, _name):
        _FUNCTIONS[getattr(np, _name)] = getattr(osc_np, _name)
for _name in ("solve", "inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh", "norm", "svd", "svdvals", "qr", "lstsq",
              "pinv", "matrix_power", "matrix_rank", "cond", "multi_dot", "tensorsolve", "tensorinv", "vector_norm",
              "matrix_norm", "eig", "eigvals", "cross", "diagonal", "matmul", "matrix_transpose", "outer", "tensordot",
              "trace", "vecdot"):
    _FUNCTIONS[getattr(np.linalg, _name)] = getattr(osc_np.linalg, _name)
for _name in osc_np.fft.__all__:
    if _name not in ("fftfreq", "rfftfreq"):  # (those take no arrays)
        _FUNCTIONS[getattr(np.fft, _name)] = getattr(osc_np.fft, _name)
_FUNCTIONS[np.asarray] = osc_np.asarray
_FUNCTIONS[np.array] = osc_np.array


def dispatch_function(func, args, kwargs):
    fn = _FUNCTIONS.get(func)
    if fn is None:
        raise UnsupportedFunctionError(unsupported_message(_function_name(func)))
    return fn(*args, **kwargs)


def _function_name(func):
    """The public name of a NumPy function (``numpy.linalg.qr``, not ``numpy.linalg._linalg.qr``)."""
    name = getattr(func, "__name__", str(func))
    module = getattr(func, "__module__", None) or "numpy"
    public = _public_module(module)
    for k in range(len(public), 0, -1):
        pkg = ".".join(public[:k])
        if getattr(sys.modules.get(pkg), name, None) is func:
            return f"{pkg}.{name}"
    return f"{'.'.join(public) or module}.{name}"


def _public_module(module):
    """The leading components of a module path up to its first private one."""
    public = []
    for part in module.split("."):
        if part.startswith("_"):
            break
        public.append(part)
    return public


# --------------------------------------------------------------------------- conversions that cannot be traced
# NumPy turns a tracer into a number or an array through __float__ / __array__
# (Tracer._conversion_error).  Where the conversion came from tells the user
# what to write instead: a store into a NumPy array, or a NumPy/SciPy function
# that converts its inputs.  The frames are only inspected to word an error.

_STORE_OPCODES = frozenset(dis.opmap[n] for n in ("STORE_SUBSCR", "STORE_SLICE") if n in dis.opmap)
_INTERNAL_MODULES = frozenset({__name__, "osculate.ad.core"})
_LIBRARIES = ("numpy", "scipy")
#: NumPy entry points that are methods, by qualified name.
_METHOD_NAMES = {"AxisConcatenator.__getitem__": "numpy.r_", "vectorize.__call__": "numpy.vectorize"}

STORE_MESSAGE = (
    "a traced value cannot be stored into a plain NumPy array (y[i] = value, where y came from np.zeros, "
    "np.empty or np.zeros_like, which are plain even for a traced x): a NumPy array holds only numbers, so "
    "the derivative would be lost. Build the array from traced values instead, y = np.stack([a, b, c]) "
    "(or np.concatenate), or update it functionally, y = osculate.numpy.set_at(y, i, value), which returns "
    "a traced array (on a traced array, y[i] = value then works too)"
)

#: ``np.array([a, b])`` / ``np.asarray(x)`` of traced values: NumPy converts each
#: element itself (no protocol hands the list to osculate), so only the message can help.
ARRAY_MESSAGE = (
    "np.asarray()/np.array() was called on a traced value (or on a list or tuple holding traced values) "
    "inside a function being differentiated; the result would carry no derivative. NumPy cannot hand a "
    "list of traced values to osculate: build the array with np.stack([a, b, ...]) (or np.concatenate), "
    "or with osculate.numpy.array([...]), which accepts nested lists and tuples mixing traced values, "
    "arrays and numbers. Otherwise use NumPy functions directly on the value (np.sin(x), x @ A) or "
    "osculate.numpy, and call osculate.stop_gradient(x) if you really want a constant. np.ascontiguousarray, "
    "np.asfortranarray and np.asanyarray convert this way too: a traced array needs no layout, so drop the "
    "call or use osculate.numpy's function of the same name"
)


def _conversion_error(tracer, kind):
    """``Tracer._conversion_error``: the core's generic error, unless the
    calling frames show a NumPy/SciPy function or a store into an array."""
    try:
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__") in _INTERNAL_MODULES:
            frame = frame.f_back
        if frame is not None:
            name = _library_caller(frame)
            if name is not None:
                how = {"asarray": "it converts its input with np.asarray",
                       "strides": "it builds a view of its input's memory from the input's strides"}.get(
                    kind, f"it converts its input with {kind}()")
                return UnsupportedConversionError(
                    unsupported_message(name, f" ({how}, which would drop the derivative)")
                )
            code = frame.f_code.co_code
            if 0 <= frame.f_lasti < len(code) and code[frame.f_lasti] in _STORE_OPCODES:
                return ConcretizationError(STORE_MESSAGE)
            if kind == "asarray":
                return ConcretizationError(ARRAY_MESSAGE)
    except Exception:  # noqa: BLE001 - only the wording depends on the frames  # pragma: no cover
        pass
    return _GENERIC_CONVERSION_ERROR(tracer, kind)


def _library_caller(frame):
    """The public name of the NumPy/SciPy function the user called, when
    ``frame`` is inside one (``None`` otherwise)."""
    chain = []
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] in _LIBRARIES:
        chain.append(frame)
        frame = frame.f_back
    if not chain:
        return None
    for f in reversed(chain):  # from the frame the user's code called, inwards past wrappers
        module = f.f_globals.get("__name__", "")
        qualname = f.f_code.co_qualname
        if module.startswith("numpy") and qualname in _METHOD_NAMES:
            return _METHOD_NAMES[qualname]
        if "<locals>" in qualname:  # a decorator's wrapper: the function it wraps is in its closure
            for value in f.f_locals.values():
                if isinstance(value, types.FunctionType) and not value.__name__.startswith("_"):
                    name = _exported_as(getattr(value, "__module__", None) or "", value.__name__)
                    if name is not None:
                        return name
            continue
        if f.f_code.co_name == "__call__":  # a callable object, e.g. scipy.special.legendre_p
            name = _exported_object(module, f.f_locals.get("self"))
            if name is not None:
                return name
        if f.f_code.co_name.startswith("_"):
            continue  # a private helper: the function is further in
        if "." in qualname:  # a method, e.g. scipy.stats.norm.logpdf
            return f"{'.'.join(_public_module(module))} ({qualname})"
        name = _exported_as(module, f.f_code.co_name)
        if name is not None:
            return name
    outer = chain[-1]
    return f"{'.'.join(_public_module(outer.f_globals['__name__']))} ({outer.f_code.co_qualname})"


def _exported_object(module, obj):
    """``package.name`` when a NumPy/SciPy package above ``module`` exports ``obj`` itself."""
    if obj is None:
        return None
    public = _public_module(module)
    for k in range(len(public), 0, -1):
        pkg = ".".join(public[:k])
        found = sys.modules.get(pkg)
        for name, value in (vars(found).items() if found is not None else ()):
            if value is obj and not name.startswith("_"):
                return f"{pkg}.{name}"
    return None


def _exported_as(module, name):
    """``package.name`` when a NumPy/SciPy package above ``module`` exports ``name``."""
    if module.split(".")[0] not in _LIBRARIES:
        return None
    public = _public_module(module)
    for k in range(len(public), 0, -1):
        pkg = ".".join(public[:k])
        if callable(getattr(sys.modules.get(pkg), name, None)):
            return f"{pkg}.{name}"
    return None


# --------------------------------------------------------------------------- operators on tracers


class _IndexUpdateHelper:
    """``x.at[idx].set(v)`` / ``.add(v)`` / ``.get()``: functional updates."""

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def __getitem__(self, idx):
        return _IndexUpdateRef(self.x, idx)


class _IndexUpdateRef:
    __slots__ = ("x", "idx")

    def __init__(self, x, idx):
        self.x = x
        self.idx = idx

    def set(self, value):
        return structural.index_update(self.x, value, self.idx, "set")

    def add(self, value):
        return structural.index_update(self.x, value, self.idx, "add")

    def multiply(self, value):
        return structural.index_update(self.x, structural.getitem(self.x, self.idx) * value, self.idx, "set")

    def get(self):
        return structural.getitem(self.x, self.idx)


def _setitem(self, idx, value):
    new = structural.index_update(self, value, idx, "set")
    if type(new) is not type(self) or new._trace is not self._trace:
        raise TypeError(
            "x[idx] = value cannot rebind this traced array because the value belongs to a more "
            "deeply nested transformation; write x = x.at[idx].set(value) instead"
        )
    for slot in type(self).__slots__:
        setattr(self, slot, getattr(new, slot))


_GENERIC_CONVERSION_ERROR = Tracer._conversion_error


_OPERATOR_PRIMITIVES = {"add": arithmetic.add_p, "sub": arithmetic.sub_p, "mul": arithmetic.mul_p,
                        "truediv": arithmetic.div_p, "pow": arithmetic.pow_p}
_OPERATOR_FUNCTIONS = {"matmul": osc_np.matmul, "floordiv": osc_np.floor_divide, "mod": osc_np.remainder}
_COMPARISONS = {"lt": osc_np.less, "le": osc_np.less_equal, "gt": osc_np.greater, "ge": osc_np.greater_equal,
                "eq": osc_np.equal, "ne": osc_np.not_equal}


def _install():
    Tracer._conversion_error = _conversion_error
    # NumPy's protocols: plain NumPy calls on tracers land in the dispatchers above
    Tracer.__array_ufunc__ = lambda s, ufunc, method, *inputs, **kwargs: dispatch_ufunc(ufunc, method, inputs, kwargs)
    Tracer.__array_function__ = lambda s, func, types, args, kwargs: dispatch_function(func, args, kwargs)
    # binary operators and their reflections: the arithmetic ones bind their
    # primitive directly (the hot path), the others call osculate.numpy
    for name, prim in _OPERATOR_PRIMITIVES.items():
        setattr(Tracer, f"__{name}__", lambda s, o, p=prim: p.bind(s, o))
        setattr(Tracer, f"__r{name}__", lambda s, o, p=prim: p.bind(o, s))
    for name, fn in _OPERATOR_FUNCTIONS.items():
        setattr(Tracer, f"__{name}__", lambda s, o, f=fn: f(s, o))
        setattr(Tracer, f"__r{name}__", lambda s, o, f=fn: f(o, s))
    Tracer.__neg__ = lambda s: arithmetic.neg_p.bind(s)
    Tracer.__pos__ = lambda s: s
    Tracer.__abs__ = lambda s: osc_np.abs(s)
    # on boolean masks the bitwise operators are the logical ones
    Tracer.__and__ = Tracer.__rand__ = lambda s, o: osc_np.logical_and(s, o)
    Tracer.__or__ = Tracer.__ror__ = lambda s, o: osc_np.logical_or(s, o)
    Tracer.__xor__ = Tracer.__rxor__ = lambda s, o: osc_np.logical_xor(s, o)
    Tracer.__invert__ = lambda s: osc_np.logical_not(s)
    for name, fn in _COMPARISONS.items():
        setattr(Tracer, f"__{name}__", lambda s, o, f=fn: f(s, o))
    Tracer.__getitem__ = lambda s, idx: structural.getitem(s, idx)
    Tracer.__setitem__ = _setitem
    Tracer.at = property(lambda s: _IndexUpdateHelper(s))
    Tracer.T = property(lambda s: osc_np.transpose(s))
    Tracer.mT = property(lambda s: osc_np.swapaxes(s, -1, -2))
    Tracer.real = property(lambda s: osc_np.real(s))
    Tracer.imag = property(lambda s: osc_np.imag(s))
    Tracer.conj = Tracer.conjugate = lambda s: osc_np.conj(s)
    Tracer.copy = lambda s: s
    Tracer.sum = lambda s, axis=None, keepdims=False, **kw: osc_np.sum(s, axis=axis, keepdims=keepdims, **kw)
    Tracer.mean = lambda s, axis=None, keepdims=False, **kw: osc_np.mean(s, axis=axis, keepdims=keepdims, **kw)
    Tracer.var = lambda s, axis=None, ddof=0, keepdims=False: osc_np.var(s, axis=axis, ddof=ddof, keepdims=keepdims)
    Tracer.std = lambda s, axis=None, ddof=0, keepdims=False: osc_np.std(s, axis=axis, ddof=ddof, keepdims=keepdims)
    Tracer.prod = lambda s, axis=None, keepdims=False: osc_np.prod(s, axis=axis, keepdims=keepdims)
    Tracer.max = lambda s, axis=None, keepdims=False: osc_np.max(s, axis=axis, keepdims=keepdims)
    Tracer.min = lambda s, axis=None, keepdims=False: osc_np.min(s, axis=axis, keepdims=keepdims)
    Tracer.argmax = lambda s, axis=None: osc_np.argmax(s, axis=axis)
    Tracer.argmin = lambda s, axis=None: osc_np.argmin(s, axis=axis)
    Tracer.cumsum = lambda s, axis=None: osc_np.cumsum(s, axis=axis)
    Tracer.all = lambda s, axis=None, keepdims=False: osc_np.all(s, axis=axis, keepdims=keepdims)
    Tracer.any = lambda s, axis=None, keepdims=False: osc_np.any(s, axis=axis, keepdims=keepdims)
    Tracer.nonzero = lambda s: osc_np.nonzero(s)
    Tracer.cumprod = lambda s, axis=None: osc_np.cumprod(s, axis=axis)
    Tracer.reshape = lambda s, *shape, **kw: osc_np.reshape(s, shape[0] if len(shape) == 1 else shape, **kw)
    Tracer.transpose = lambda s, *axes: osc_np.transpose(s, (axes[0] if len(axes) == 1 else axes) if axes else None)
    Tracer.swapaxes = lambda s, a, b: osc_np.swapaxes(s, a, b)
    Tracer.ravel = lambda s, order="C": osc_np.ravel(s)
    Tracer.flatten = lambda s, order="C": osc_np.ravel(s)
    Tracer.squeeze = lambda s, axis=None: osc_np.squeeze(s, axis)
    Tracer.dot = lambda s, o: osc_np.dot(s, o)
    Tracer.clip = lambda s, a_min=None, a_max=None: osc_np.clip(s, a_min, a_max)
    Tracer.diagonal = lambda s, offset=0, axis1=0, axis2=1: osc_np.diagonal(s, offset, axis1, axis2)
    Tracer.trace = lambda s, offset=0, axis1=0, axis2=1: osc_np.trace(s, offset, axis1, axis2)
    Tracer.repeat = lambda s, repeats, axis=None: osc_np.repeat(s, repeats, axis)
    Tracer.astype = lambda s, dtype, **kw: osc_np.astype(s, dtype)
    Tracer.round = lambda s, decimals=0: osc_np.round(s, decimals)


_install()
