"""docs/coverage.md: the page is the generator's output, and what it lists as
supported really runs under the transformations.

The page is regenerated with ``python -m osculate.ad.coverage --markdown >
docs/coverage.md`` (a new function anywhere in osculate.numpy, the dispatch
table or osculate.scipy changes it).  Here every supported function that runs
on one of the generator's plain samples is called on a traced sample: its
value must be NumPy's/SciPy's, its tangent must match central differences, and
its Hessian (of a scalar made of its outputs) must be computed in forward and
reverse mode alike.
"""

from __future__ import annotations

import functools
import pathlib
import warnings

import numpy as np
import pytest
import scipy.integrate
import scipy.interpolate
import scipy.linalg
import scipy.ndimage
import scipy.optimize
import scipy.signal
import scipy.spatial.distance
import scipy.special

import osculate as osc
from osculate.ad import core, coverage
from osculate.ad.tree import tree_leaves

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "coverage.md"


@functools.lru_cache(maxsize=None)
def entries():
    return tuple(coverage.coverage())


def test_the_page_is_the_generated_one():
    assert DOC.read_text() == coverage.markdown(list(entries())), (
        "docs/coverage.md is stale: regenerate it with `python -m osculate.ad.coverage --markdown > docs/coverage.md`"
    )


def test_every_module_is_covered_and_nothing_twice():
    seen = [(e.module, e.name) for e in entries()]
    assert len(seen) == len(set(seen))
    assert {e.module for e in entries()} == set(coverage.MODULES)
    by = {(e.module, e.name): e for e in entries()}
    # a few known answers of each route
    assert by["numpy", "exp"].how == "ufunc" and by["scipy.special", "erf"].how == "ufunc"
    assert by["numpy", "quantile"].how == "`osculate.numpy.quantile`"
    assert by["numpy.linalg", "solve"].how == "`osculate.numpy.linalg.solve`"
    assert by["scipy.special", "logsumexp"].how == "`osculate.scipy.special.logsumexp`"
    assert by["scipy.stats", "norm"].supported and "logpdf" in by["scipy.stats", "norm"].how
    assert by["numpy.fft", "fft"].how == "`osculate.numpy.fft.fft`"
    assert by["scipy.linalg", "ordqz"].how == coverage.COMPLEX
    assert by["numpy", "zeros"].how == coverage.NOT_DISPATCHED
    assert by["numpy", "shares_memory"].how == coverage.DISCRETE
    assert by["numpy", "putmask"].how.startswith("values are immutable under differentiation")


def _callable_of(entry):
    """The function the page tells a user to call: the plain one where the
    call is routed to osculate, else the osculate function it names."""
    if entry.how.startswith("`osculate.scipy.") or "called directly" in entry.how:
        obj = osc
        for part in entry.how.split("`")[1].split(".")[1:]:
            obj = getattr(obj, part)
        return obj
    module = {"numpy": np, "numpy.linalg": np.linalg, "numpy.fft": np.fft, "scipy.special": scipy.special,
              "scipy.linalg": scipy.linalg, "scipy.spatial.distance": scipy.spatial.distance,
              "scipy.integrate": scipy.integrate, "scipy.optimize": scipy.optimize,
              "scipy.interpolate": scipy.interpolate, "scipy.signal": scipy.signal, "scipy.ndimage": scipy.ndimage}[entry.module]
    return getattr(module, entry.name)


def _scalar(fn, args, i):
    """A scalar of ``fn``'s outputs as a function of its argument ``i``."""
    def f(x):
        out = fn(*args[:i], x, *args[i + 1:])
        leaves = [leaf for leaf in tree_leaves(out) if isinstance(leaf, core.Tracer)]
        return sum((np.sum(np.real(np.sin(leaf))) for leaf in leaves), np.sum(x * 0.0))  # (complex results too)
    return f


#: Supported functions that the generator's generic sample does not suit, or
#: whose documented limits it meets, and why.
UNSUITED_SAMPLE = {
    "numpy.column_stack": "the sample is one 1-d array, which NumPy takes as a sequence of scalars",
    "numpy.empty_like": "NumPy leaves the values undefined (osculate's are zeros)",
    "numpy.tril": "osculate.numpy.tril needs a 2-d input (NumPy broadcasts the sample's 1-d one)",
    "numpy.triu": "osculate.numpy.triu needs a 2-d input (NumPy broadcasts the sample's 1-d one)",
    "scipy.special.hyp1f1": "differentiated in x with numbers as parameters (the sample's are arrays)",
    "scipy.special.hyp2f1": "differentiated in x with numbers as parameters (the sample's are arrays)",
    "scipy.special.yn": "an integer order (the sample's are not integers)",
    "scipy.special.ncfdtri": "SciPy's root finder leaves about 1e-9 relative error at the sample's far quantile "
                             "(715), so central differences of its values miss the exact derivative by 1e-5 "
                             "(test_special_stat checks it against mpmath)",
    "scipy.signal.dimpulse": "the sample is one 1-d array read as a system whose last item is dt, which must be a "
                             "plain number (test_scipy_signal_lsim checks traced systems)",
    "scipy.signal.dstep": "the sample is one 1-d array read as a system whose last item is dt, which must be a "
                          "plain number (test_scipy_signal_lsim checks traced systems)",
    "scipy.signal.impulse": "without T the time grid comes from the system's eigenvalues, and osculate holds it "
                            "fixed (central differences of SciPy's values move it); test_scipy_signal_lsim checks it",
    "scipy.signal.step": "without T the time grid comes from the system's eigenvalues, and osculate holds it "
                         "fixed (central differences of SciPy's values move it); test_scipy_signal_lsim checks it",
    "scipy.integrate.newton_cotes": "the sample traces the sample positions, whose weights osculate gives only for "
                                    "plain positions (traced ones are refused, naming simpson and trapezoid with x=)",
    "scipy.signal.sos2tf": "the sample is a 3 x 3 matrix, not second-order sections (n, 6), which SciPy reads "
                           "anyway and osculate refuses (test_scipy_signal_design checks real sections)",
    "scipy.signal.medfilt2d": "the sample matrix has tied values, where a median has no derivative (central "
                              "differences average the one-sided slopes; test_scipy_signal_2d checks it without ties)",
    "scipy.linalg.logm": "symmetric positive definite matrices, along symmetric directions (the sample's is not)",
    "scipy.linalg.sqrtm": "symmetric positive definite matrices, along symmetric directions (the sample's is not)",
    "scipy.linalg.fractional_matrix_power": "a non-integer power of a symmetric positive definite matrix only "
                                            "(the sample's is not)",
}


def test_supported_functions_run_on_traced_values():
    """Every supported function with a plain sample: value, tangent, and Hessians in two modes."""
    checked, failed = 0, []
    for entry in entries():
        if not entry.supported or entry.module in ("scipy.stats",) or f"{entry.module}.{entry.name}" in UNSUITED_SAMPLE:
            continue
        fn = _callable_of(entry)
        sample = coverage.plain_sample(fn, fn.nin if isinstance(fn, np.ufunc) else None)
        if sample is None or not isinstance(sample[0][0], np.ndarray) or coverage._kind(sample[1]) == "other":
            continue
        if not coverage.traced_sample_agrees(fn, sample):
            failed.append(f"{entry.module}.{entry.name}: value or tangent")
            continue
        assert core.current_depth() == 0
        if coverage._kind(sample[1]) == "float":
            args = sample[0]
            i = next(i for i, a in enumerate(args) if isinstance(a, np.ndarray)
                     and coverage._agrees_in(fn, args, sample[1], i))
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the samples are generic: some are off a function's domain
                try:
                    H1 = osc.hessian(_scalar(fn, args, i))(args[i])
                    H2 = osc.hessian(_scalar(fn, args, i), mode="rev-rev")(args[i])
                except Exception as exc:  # noqa: BLE001 - reported below
                    failed.append(f"{entry.module}.{entry.name}: hessian {type(exc).__name__}: {exc}"[:200])
                    continue
            np.testing.assert_allclose(H1, H2, rtol=1e-7, atol=1e-9, err_msg=entry.name)
        checked += 1
    assert not failed, failed
    assert checked >= 150, checked


def test_the_distributions_listed_have_the_methods_listed():
    for entry in entries():
        if entry.module == "scipy.stats" and entry.supported:
            dist = getattr(osc.scipy.stats, entry.name)
            for method in entry.how.split(": ")[1].split(", "):
                assert callable(getattr(dist, method)), (entry.name, method)
    g = osc.grad(lambda m: osc.scipy.stats.norm.logpdf(0.5, loc=m, scale=2.0))(0.0)
    np.testing.assert_allclose(g, 0.125)


@pytest.mark.parametrize("module, name, arg, nargs", [
    ("scipy.special", "h1vp", np.eye(3) + 0.5, 2),
    ("numpy", "shares_memory", np.eye(3) + 0.5, 2),
])
def test_the_unsupported_categories_hold(module, name, arg, nargs):
    """Complex and integer results are what the page says, and do not accept traced values."""
    by = {(e.module, e.name): e for e in entries()}
    fn = getattr({"numpy": np, "scipy.linalg": scipy.linalg, "scipy.special": scipy.special}[module], name)
    entry = by[module, name]
    assert not entry.supported
    out = np.asarray(fn(*[arg] * nargs))
    assert (out.dtype.kind == "c") == (entry.how == coverage.COMPLEX)
    assert (out.dtype.kind in "biu") == (entry.how == coverage.DISCRETE)
    with pytest.raises(osc.UnsupportedFunctionError):
        osc.grad(lambda x: np.sum(np.abs(fn(*[x] * nargs))) * 1.0 + np.sum(x))(arg)
    assert core.current_depth() == 0
