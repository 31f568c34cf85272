"""Errors are raised early, name what went wrong, and leave no state behind.

Every test asserts on the message (``match=``) so messages stay actionable,
and then checks that the trace stack is empty and that a normal call right
after the error still works.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import fft as scipy_fft, linalg as scipy_linalg, optimize as scipy_optimize, special, stats
from scipy.spatial import distance as scipy_distance

import osculate as osc
from osculate import ConcretizationError, LeakedTracerError, MissingRuleError, Primitive, UnsupportedFunctionError
from osculate.ad import core
from osculate.ad.numpy_dispatch import ALTERNATIVES
from osculate.testing import check_grads

X = np.array([0.5, -1.5, 2.0])


def assert_clean():
    """The engine is back to its idle state and fully usable."""
    assert core.current_depth() == 0
    f = lambda x: np.sum(np.sin(x) * x**2)  # noqa: E731
    np.testing.assert_allclose(osc.grad(f)(X), np.cos(X) * X**2 + 2 * X * np.sin(X), rtol=1e-15)
    want = (-np.sin(X) * X**2 + 4 * X * np.cos(X) + 2 * np.sin(X)) * X
    for m in osc.HVP_MODES:
        np.testing.assert_allclose(osc.hvp(f, X, X, mode=m), want, rtol=1e-14)
    assert core.current_depth() == 0


# --------------------------------------------------------------------------- bad outputs and inputs


@pytest.mark.parametrize(
    "call",
    [
        lambda: osc.grad(lambda x: x**2)(X),
        lambda: osc.value_and_grad(lambda x: np.sin(x))(X),
        lambda: osc.hessian(np.sin)(X),
        *[lambda m=m: osc.hvp(np.sin, X, X, mode=m) for m in osc.HVP_MODES],
        lambda: osc.vhv(np.sin, X, X),
    ],
    ids=["grad", "value_and_grad", "hessian", *[f"hvp-{m}" for m in osc.HVP_MODES], "vhv"],
)
def test_non_scalar_output(call):
    with pytest.raises(TypeError, match=r"requires f to return a scalar, but it returned shape \(3,\).*jacrev/jacfwd"):
        call()
    assert_clean()


def test_non_float_output():
    with pytest.raises(TypeError, match="floating-point output, got dtype int64"):
        osc.grad(lambda x: np.sum(x > 0))(X)
    assert_clean()


@pytest.mark.parametrize(
    "value, dtype_text",
    [
        (np.array([1, 2]), "integer/bool dtype int64"),
        (3, "integer/bool dtype int64"),
        (np.array([True, False]), "integer/bool dtype bool"),
        (np.array([1.0, 2.0], dtype=object), "dtype object"),
        ("abc", "dtype <U3"),
    ],
    ids=["int-array", "python-int", "bool", "object", "str"],
)
def test_non_float_inputs(value, dtype_text):
    """(Complex inputs are differentiable: tests/test_complex.py.)"""
    pattern = dtype_text + ".*(pass it as float|floating-point and complex arrays only)"
    with pytest.raises(TypeError, match=pattern):
        osc.grad(lambda x: np.sum(x))(value)
    with pytest.raises(TypeError, match=pattern):
        osc.jvp(lambda x: np.sum(x), (value,), (value,))
    with pytest.raises(TypeError, match=pattern):
        osc.vjp(lambda x: x, value)
    if np.ndim(value) and np.asarray(value).dtype.kind in "iub":
        with pytest.raises(TypeError, match=pattern):
            osc.hessian(lambda x: np.sum(x))(value)
        with pytest.raises(TypeError, match=pattern):
            osc.jacfwd(np.sin)(value)
        with pytest.raises(TypeError, match=pattern):
            osc.jacrev(np.sin)(value)
        with pytest.raises(TypeError, match=r"hvp point x has integer/bool dtype"):
            osc.hvp(lambda x: np.sum(x), value, np.ones(np.shape(value)))
    assert_clean()


def test_mismatched_tangent_shapes():
    with pytest.raises(ValueError, match=r"jvp tangent #0 has shape \(2,\) but the matching primal has shape \(3,\)"):
        osc.jvp(np.sin, (X,), (np.ones(2),))
    with pytest.raises(ValueError, match=r"jvp tangent #1 has shape \(\) but the matching primal has shape \(3,\)"):
        osc.jvp(lambda a, b: a * b, (X, X), (X, 1.0))
    with pytest.raises(ValueError, match="same \\(pytree\\) structure"):
        osc.jvp(lambda a, b: a * b, (X, X), (X,))
    with pytest.raises(TypeError, match=r"primals and tangents must be tuples, e.g. jvp\(f, \(x,\), \(v,\)\)"):
        osc.jvp(np.sin, X, X)
    for m in osc.HVP_MODES:
        with pytest.raises(ValueError, match=r"hvp direction v has shape \(4,\) but the matching primal has shape \(3,\)"):
            osc.hvp(lambda x: np.sum(x**3), X, np.ones(4), mode=m)
    with pytest.raises(ValueError, match=r"vhv direction v has shape \(2, 2\)"):
        osc.vhv(lambda x: np.sum(x**3), X, np.ones((2, 2)))
    _, pullback = osc.vjp(np.sin, X)
    with pytest.raises(ValueError, match=r"cotangent of shape \(2,\) for an output of shape \(3,\)"):
        pullback(np.ones(2))
    _, pullback = osc.vjp(lambda x: (x, x), X)
    with pytest.raises(ValueError, match="cotangent must have the structure of f's output"):
        pullback(np.ones(3))
    assert_clean()


def test_bad_arguments_to_transforms():
    with pytest.raises(TypeError, match=r"argnums=1 but f was called with 1 positional argument"):
        osc.grad(lambda x: np.sum(x), argnums=1)(X)
    with pytest.raises(TypeError, match=r"has_aux=True requires f to return a pair \(output, aux\)"):
        osc.grad(lambda x: np.sum(x), has_aux=True)(X)
    assert_clean()


@pytest.mark.parametrize("bad", ["fwd", "reverse", "fwd-fwd-fwd", "FWD-REV", None])
def test_unknown_hvp_mode(bad):
    with pytest.raises(ValueError, match=r"hvp: unknown mode .*; choose one of \('fwd-rev', 'rev-fwd', 'fwd-fwd', 'rev-rev'\)"):
        osc.hvp(lambda x: np.sum(x**3), X, X, mode=bad)
    with pytest.raises(ValueError, match=r"hessian: unknown mode .*; choose one of"):
        osc.hessian(lambda x: np.sum(x**3), mode=bad)(X)
    assert_clean()


# --------------------------------------------------------------------------- unsupported functions


@pytest.mark.parametrize(
    "fn, name",
    [
        (lambda x: np.unravel_index(x, (5,))[0], r"numpy\.unravel_index"),
        (np.i0, r"numpy\.i0"),
        (lambda x: np.gcd(x, 2.0), r"numpy\.gcd"),
        (lambda x: special.obl_rad2(1, 2, 0.8, x)[0], r"scipy\.special\.obl_rad2"),
    ],
    ids=["unravel_index", "i0", "gcd", "scipy.obl_rad2"],
)
def test_unsupported_numpy_function_names_itself(fn, name):
    for transform in (osc.grad, lambda f: (lambda x: osc.jvp(f, (x,), (x,))[1])):
        with pytest.raises(UnsupportedFunctionError, match=name + ".*not supported on traced values"):
            transform(lambda x: np.sum(fn(x)))(X)
    assert_clean()


def test_in_place_and_unsupported_options_are_explained():
    with pytest.raises(UnsupportedFunctionError, match=r"np\.add\.at mutates its argument.*osculate\.numpy\.add_at"):
        osc.grad(lambda x: np.sum(np.add.at(x, [0], 1.0)))(X)
    with pytest.raises(TypeError, match=r"out= argument is not supported on traced values"):
        osc.grad(lambda x: np.sum(np.sin(x, out=np.zeros(3))))(X)
    with pytest.raises(TypeError, match=r"unsupported keyword argument\(s\) \['where'\]"):
        osc.grad(lambda x: np.sum(np.sin(x, where=x > 0)))(X)
    with pytest.raises(NotImplementedError, match=r"mode='raw' \(Householder reflectors\) is not supported"):
        osc.grad(lambda x: np.sum(np.linalg.qr(np.outer(x, x), mode="raw")[0]))(X)

    def rebind_deeper(x):
        y = x * 1.0

        def inner(z):
            y[0] = z  # z belongs to the inner grad, y to the outer one
            return np.sum(y)

        return osc.grad(inner)(x[1])

    with pytest.raises(TypeError, match=r"x\[idx\] = value cannot rebind.*x = x\.at\[idx\]\.set\(value\)"):
        osc.grad(rebind_deeper)(X)
    assert_clean()


# --------------------------------------------------------------------------- concretization


@pytest.mark.parametrize(
    "fn, pattern",
    [
        (lambda x: np.sum(np.asarray(x)), r"np\.asarray\(\)/np\.array\(\) was called on a traced value.*stop_gradient"),
        (lambda x: np.sum(np.array(x)), r"np\.asarray\(\)/np\.array\(\) was called on a traced value"),
        (lambda x: np.sum(np.array([x[0], x[1]])), r"np\.asarray\(\)/np\.array\(\).*np\.stack"),
        (lambda x: float(x[0]) * x[1], r"float\(\) was called on a traced value.*carries no derivative"),
        (lambda x: int(x[0]) * x[1], r"int\(\) was called on a traced value"),
        (lambda x: x[0].item() * x[1], r"item\(\) was called on a traced value"),
        (lambda x: math.sin(x[0]) * x[1], r"float\(\) was called on a traced value"),
        (lambda x: np.sum(np.vectorize(math.exp)(x)), r"numpy\.vectorize is not supported.*np\.exp\(x\)"),
    ],
    ids=["asarray", "array", "array-of-list", "float", "int", "item", "math.sin", "vectorize"],
)
def test_concretization_is_explained(fn, pattern):
    for transform in (osc.grad, lambda f: (lambda x: osc.jvp(f, (x,), (x,))[1]), lambda f: osc.hessian(f)):
        with pytest.raises(ConcretizationError, match=pattern):
            transform(fn)(X)
        assert core.current_depth() == 0
    assert_clean()


def test_assigning_a_traced_scalar_into_a_numpy_array_is_explained():
    # NumPy calls the tracer's __float__ and wraps its error in "setting an array element with a
    # sequence"; the transformation puts osculate's explanation back on top.
    def f(x):
        y = np.zeros(2)
        y[0] = x[0]
        return np.sum(y)

    with pytest.raises(ConcretizationError, match=r"cannot be stored into a plain NumPy array.*osculate\.numpy\.set_at"):
        osc.grad(f)(X)
    assert_clean()


def test_assigning_a_traced_slice_into_a_numpy_array_is_explained():
    def f(x):
        y = np.zeros(3)
        y[0:3] = x
        return np.sum(y)

    with pytest.raises(ConcretizationError, match=r"cannot be stored into a plain NumPy array.*osculate\.numpy\.set_at"):
        osc.grad(f)(X)
    assert_clean()


# --------------------------------------------------------------------------- missing rules


def _forward_only_primitive():
    twice = Primitive("twice_fwd_only", lambda x: 2.0 * x)
    twice.def_jvp(lambda primals, tangents: (twice.bind(primals[0]), 2.0 * tangents[0]))
    return twice


def test_missing_vjp_rule_names_primitive_and_mode():
    twice = _forward_only_primitive()
    f = lambda x: np.sum(twice.bind(x) ** 2)  # noqa: E731
    # forward mode (and forward over forward) work: the rule exists
    assert osc.jvp(f, (X,), (np.ones(3),))[1] == 8 * np.sum(X)
    np.testing.assert_array_equal(osc.hvp(f, X, np.ones(3), mode="fwd-fwd"), np.full(3, 8.0))
    pattern = r"primitive 'twice_fwd_only' has no vjp rule.*in vjp mode"
    with pytest.raises(MissingRuleError, match=pattern):
        osc.grad(f)(X)
    with pytest.raises(MissingRuleError, match=pattern):
        osc.vjp(lambda x: twice.bind(x), X)[1](np.ones(3))
    with pytest.raises(MissingRuleError, match=pattern):
        osc.jacrev(lambda x: twice.bind(x))(X)
    for m in ("fwd-rev", "rev-fwd", "rev-rev"):
        with pytest.raises(MissingRuleError, match=pattern):
            osc.hvp(f, X, np.ones(3), mode=m)
    assert issubclass(MissingRuleError, NotImplementedError)
    assert_clean()


def test_missing_jvp_rule_names_primitive_and_mode():
    bare = Primitive("impl_only", lambda x: x + 1.0)
    assert bare.bind(np.float64(1.0)) == 2.0  # no tracer: the implementation just runs
    with pytest.raises(MissingRuleError, match=r"primitive 'impl_only' has no jvp rule.*in jvp mode"):
        osc.jvp(lambda x: bare.bind(x), (X,), (X,))
    with pytest.raises(MissingRuleError, match=r"primitive 'impl_only' has no vjp rule"):
        osc.grad(lambda x: np.sum(bare.bind(x)))(X)
    assert_clean()


def test_custom_rule_misuse():
    @osc.custom_jvp
    def no_rule(x):
        return x

    with pytest.raises(TypeError, match=r"custom_jvp function 'no_rule' has no rule: call \.defjvp\(rule\) first"):
        osc.grad(no_rule)(np.float64(1.0))

    @osc.custom_vjp
    def no_vjp(x):
        return x

    with pytest.raises(TypeError, match=r"custom_vjp function 'no_vjp' has no rule: call \.defvjp\(fwd, bwd\) first"):
        osc.grad(no_vjp)(np.float64(1.0))
    no_vjp.defvjp(lambda x: (x, None), lambda res, ct: ct)  # bwd must return a tuple
    with pytest.raises(TypeError, match=r"bwd of 'no_vjp' must return a tuple with one cotangent per argument \(1\)"):
        osc.grad(no_vjp)(np.float64(1.0))
    assert_clean()


def test_check_grads_reports_the_failing_nesting():
    """A rule that is right to first order but not differentiable again (its
    derivative is computed on concrete values) is caught at second order."""
    sq = Primitive("square_bad_second_order", lambda x: x * x)
    sq.def_jvp(lambda p, t: (sq.bind(p[0]), t[0] * (2.0 * core.concrete(p[0]))))
    sq.def_vjp(lambda ct, out, p, wants: (ct * (2.0 * core.concrete(p[0])),))
    check_grads(lambda x: sq.bind(x), (X,), order=1)
    with pytest.raises(AssertionError, match=r"(jvp|vjp) \((fwd|rev)-over-(fwd|rev)\) vs finite differences"):
        check_grads(lambda x: sq.bind(x), (X,), order=2)
    with pytest.raises(ValueError, match="unknown mode 'sideways'"):
        check_grads(np.sin, (X,), modes=("sideways",))
    # outputs are compared leaf by leaf only once their numbers agree
    two_when_traced = lambda x: (x, 2 * x) if isinstance(x, core.Tracer) else x  # noqa: E731
    for mode in ("fwd", "rev"):
        with pytest.raises(AssertionError, match="2 output leaves, but the finite differences have 1"):
            check_grads(two_when_traced, (X,), order=1, modes=(mode,))
    assert_clean()


# --------------------------------------------------------------------------- leaked tracers


def _leak(transform):
    box = []

    def f(x):
        box.append(x)
        return np.sum(x**2)

    transform(f)
    return box[0]


LEAKERS = {
    "grad": lambda f: osc.grad(f)(X),
    "jvp": lambda f: osc.jvp(f, (X,), (X,)),
    "hessian-inner": lambda f: osc.hessian(f)(X),
    "vjp": lambda f: osc.vjp(f, X),
}


@pytest.mark.parametrize("where", sorted(LEAKERS))
def test_leaked_tracer_raises(where):
    leaked = _leak(LEAKERS[where])
    assert isinstance(leaked, core.Tracer)
    pattern = r"escaped (its|the) transformation"
    with pytest.raises(LeakedTracerError, match=pattern):
        leaked * 2.0
    with pytest.raises(LeakedTracerError, match=pattern + ".*'sin'"):
        np.sin(leaked)
    with pytest.raises(LeakedTracerError, match=pattern):
        leaked[0]
    with pytest.raises(LeakedTracerError, match=pattern):
        osc.grad(lambda y: np.sum(y * leaked))(X)  # mixed with a live tracer at the same level
    with pytest.raises(LeakedTracerError, match=pattern):
        osc.hessian(lambda y: np.sum(y**2 * leaked))(X)  # inside a deeper nesting
    with pytest.raises(LeakedTracerError, match=pattern):
        osc.jvp(lambda y: y * np.sum(leaked), (X,), (X,))
    assert core.current_depth() == 0
    assert_clean()


def test_errors_inside_nested_transforms_unwind_every_level():
    def bad(x):
        assert core.current_depth() == 4
        raise RuntimeError("boom from depth four")

    f = osc.grad(lambda a: np.sum(osc.hvp(lambda b: np.sum(osc.grad(lambda c: bad(c))(b)), a, a)))
    with pytest.raises(RuntimeError, match="boom from depth four"):
        f(X)
    assert_clean()
    # and a pullback that fails at backward time leaves nothing behind either
    _, pullback = osc.vjp(lambda x: np.sin(x), X)
    with pytest.raises(ValueError):
        pullback(np.ones(5))
    assert_clean()


def test_tune_malloc_checks_its_threshold():
    import osculate as osc

    assert osc.tune_malloc() in (True, False)
    for bad in (0, -5, 1 << 31, 2.5):
        with pytest.raises(ValueError, match="threshold"):
            osc.tune_malloc(bad)


# --------------------------------------------------------------------------- messages that name the fix
# A store into a plain NumPy array, a non-scalar output, an unsupported NumPy or
# SciPy function: each message says what to write instead, and the tests run
# that replacement on traced values.


def _scalar_store(x):
    y = np.zeros(3)
    y[0] = x[0] ** 2
    return np.sum(y**2) + np.sum(x)


def _slice_store(x):
    y = np.zeros(3)
    y[1:] = x[1:] ** 2
    return np.sum(y**2) + np.sum(x)


def _fancy_store(x):
    y = np.zeros(3)
    y[[0, 2]] = x[[1, 2]]
    return np.sum(y**2) + np.sum(x)


def _augmented_store(x):
    y = np.ones(3)
    y[1] += x[1] * x[2]
    return np.sum(y**2) + np.sum(x)


def _row_store(x):
    y = np.zeros((2, 3))
    y[1] = np.sin(x)
    return np.sum(y**2) + np.sum(x)


STORES = {"index": _scalar_store, "slice": _slice_store, "fancy": _fancy_store, "augmented": _augmented_store,
          "row": _row_store}


def _plain(value):
    """Every array in a transform's result, concrete, as one flat list (for comparisons)."""
    if hasattr(value, "toarray"):
        return [np.asarray(value.toarray(), dtype=float)]
    if isinstance(value, (tuple, list)):
        return [a for v in value for a in _plain(v)]
    return [np.asarray(value, dtype=float)]


# each runs a scalar function of X under one transformation (or a nesting of them)
STORE_TRANSFORMS = {
    "grad": lambda f: osc.grad(f)(X),
    "value_and_grad": lambda f: osc.value_and_grad(f)(X),
    "jvp": lambda f: osc.jvp(f, (X,), (np.ones(3),)),
    "vjp": lambda f: osc.vjp(f, X)[1](1.0),
    "linearize": lambda f: osc.linearize(f, X)[1](np.ones(3)),
    "hessian": lambda f: osc.hessian(f)(X),
    "hessian-rev-rev": lambda f: osc.hessian(f, mode="rev-rev")(X),
    "hvp-fwd-fwd": lambda f: osc.hvp(f, X, np.ones(3), mode="fwd-fwd"),
    "vhv": lambda f: osc.vhv(f, X, np.ones(3)),
    "hessian_diagonal": lambda f: osc.hessian_diagonal(f, X),
    "jit": lambda f: osc.jit(f)(X),
    "jit-of-grad": lambda f: osc.jit(osc.grad(f))(X),
    "grad-of-jit": lambda f: osc.grad(osc.jit(f))(X),
    "vmap": lambda f: osc.vmap(f)(np.stack([X, 2.0 * X])),
    "vmap-of-grad": lambda f: osc.vmap(osc.grad(f))(np.stack([X, 2.0 * X])),
    "taylor": lambda f: osc.taylor(f, X, [np.ones(3)], order=3),
    "derivatives_along": lambda f: osc.derivatives_along(f, X, np.ones(3), 3),
    "laplacian": lambda f: osc.laplacian(f, X),
    "sparsity-global": lambda f: osc.hessian_sparsity(f, X),
    "sparsity-local": lambda f: osc.hessian_sparsity(f, X, mode="local"),
    "sparse_hessian": lambda f: osc.sparse_hessian(f)(X),
}
STORE_PATTERN = r"cannot be stored into a plain NumPy array.*np\.stack.*osculate\.numpy\.set_at"


@pytest.mark.parametrize("transform", sorted(STORE_TRANSFORMS))
def test_storing_a_traced_value_into_a_numpy_array_is_explained_under_every_transform(transform):
    # NumPy's own "setting an array element with a sequence" ValueError must not be what the user sees
    for store in (_scalar_store, _slice_store):
        with pytest.raises(ConcretizationError, match=STORE_PATTERN) as info:
            STORE_TRANSFORMS[transform](store)
        # NumPy's ValueError is neither raised nor shown as the context
        assert info.value.__suppress_context__ or not isinstance(info.value.__context__, ValueError)
        assert core.current_depth() == 0


@pytest.mark.parametrize("form", sorted(STORES))
def test_every_form_of_store_is_explained(form):
    for transform in ("grad", "hessian", "jit", "vmap", "taylor"):
        with pytest.raises(ConcretizationError, match=STORE_PATTERN):
            STORE_TRANSFORMS[transform](STORES[form])
    assert_clean()


def _reference(x):  # what the stores below build, written without any store
    return (x[0] ** 2) ** 2 + (x[1] * x[2]) ** 2 + np.sum(x)


def _fixed_by_set_at(x):
    y = osc.numpy.set_at(np.zeros(3), 0, x[0] ** 2)  # a traced array from here on
    y = osc.numpy.set_at(y, 2, x[1] * x[2])
    return np.sum(y**2) + np.sum(x)


def _fixed_by_stack(x):
    y = np.stack([x[0] ** 2, 0.0 * x[0], x[1] * x[2]])
    return np.sum(y**2) + np.sum(x)


def _fixed_by_traced_store(x):
    y = osc.numpy.set_at(np.zeros(3), 0, x[0] ** 2)
    y[2] = x[1] * x[2]  # y is traced now, so the store rebinds it
    return np.sum(y**2) + np.sum(x)


@pytest.mark.parametrize("transform", sorted(STORE_TRANSFORMS))
def test_the_suggested_replacements_for_a_store_work_under_every_transform(transform):
    want = _plain(STORE_TRANSFORMS[transform](_reference))
    for fixed in (_fixed_by_set_at, _fixed_by_stack, _fixed_by_traced_store):
        got = _plain(STORE_TRANSFORMS[transform](fixed))
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-13)
    assert core.current_depth() == 0


NOT_SCALAR = {
    "tuple": (lambda x: (np.sum(x**3),), r"returned a tuple of length 1; return the scalar itself"),
    "list": (lambda x: [np.sum(x**3)], r"returned a list of length 1; return the scalar itself"),
    "pair": (lambda x: (np.sum(x**3), x), r"returned a tuple of length 2; return a single scalar"),
    "dict": (lambda x: {"loss": np.sum(x**3)}, r"returned a dict with keys \['loss'\]; return a single scalar"),
    "None": (lambda x: None, r"returned None; return a single scalar"),
}
SCALAR_TRANSFORMS = {
    "grad": lambda f: osc.grad(f)(X),
    "value_and_grad": lambda f: osc.value_and_grad(f)(X),
    **{f"hessian-{m}": (lambda f, m=m: osc.hessian(f, mode=m)(X)) for m in osc.HVP_MODES},
    **{f"hvp-{m}": (lambda f, m=m: osc.hvp(f, X, X, mode=m)) for m in osc.HVP_MODES},
    "vhv": lambda f: osc.vhv(f, X, X),
    "hessian_diagonal": lambda f: osc.hessian_diagonal(f, X),
    "hessian_diagonal-taylor": lambda f: osc.hessian_diagonal(f, X, "taylor"),
    "hessian_diagonal-coloring": lambda f: osc.hessian_diagonal(f, X, "coloring"),
    "laplacian": lambda f: osc.laplacian(f, X),
}


@pytest.mark.parametrize("transform", sorted(SCALAR_TRANSFORMS))
@pytest.mark.parametrize("output", sorted(NOT_SCALAR))
def test_a_container_output_is_named_where_a_scalar_is_needed(transform, output):
    f, pattern = NOT_SCALAR[output]
    with pytest.raises(TypeError, match=r"requires f to return a scalar, but it " + pattern) as info:
        SCALAR_TRANSFORMS[transform](f)
    assert "asarray" not in str(info.value)
    assert ("has_aux=True" in str(info.value)) == transform.endswith("grad")
    assert core.current_depth() == 0


def test_the_suggested_fixes_for_a_container_output_work():
    s = lambda x: np.sum(x**3)  # noqa: E731
    for transform in sorted(SCALAR_TRANSFORMS):
        for g, w in zip(_plain(SCALAR_TRANSFORMS[transform](lambda x: s(x))), _plain(SCALAR_TRANSFORMS[transform](s))):
            np.testing.assert_array_equal(g, w)
    # "return s, not (s,)" and "lambda x: f(x)[0]"
    np.testing.assert_allclose(osc.hessian(lambda x: NOT_SCALAR["tuple"][0](x)[0])(X), np.diag(6 * X))
    np.testing.assert_allclose(osc.hessian(lambda x: NOT_SCALAR["pair"][0](x)[0])(X), np.diag(6 * X))
    # grad's has_aux keeps the extra values
    g, aux = osc.grad(NOT_SCALAR["pair"][0], has_aux=True)(X)
    np.testing.assert_allclose(g, 3 * X**2)
    np.testing.assert_array_equal(aux, X)
    (value, aux), g = osc.value_and_grad(NOT_SCALAR["pair"][0], has_aux=True)(X)
    assert value == pytest.approx(np.sum(X**3)) and np.array_equal(aux, X)
    assert_clean()


# ----- unsupported NumPy and SciPy functions: the table of alternatives

P = np.array([0.2, 0.35, 0.6, 0.8])  # in (0, 1), distinct, nonzero: inside every formula's domain
V = np.array([1.0, -0.5, 0.3, 0.8])
W = np.array([1.0, 2.0, 0.5, 1.5])


def _spd(x):  # symmetric positive definite with distinct eigenvalues, traced through x
    return np.outer(x, x) + np.diag([1.0, 2.0, 3.0, 4.0])


def _tall(x):  # 4 x 2, full column rank
    return np.stack([x, x**2], axis=1)


L_CONST = np.linalg.cholesky(_spd(P))


def _projector(q):  # the projector onto a subspace (its basis is unique only up to rotation)
    return q @ q.T


def _stored(store):
    def fn(x):
        a = np.zeros(4)
        store(a, x)
        return a

    return fn


# name -> (the unsupported call, the replacement its message names[, a reference for the comparison])
ALTERNATIVE_CASES = {
    "scipy.special.logsumexp": (lambda x: special.logsumexp(x, b=W), lambda x: osc.scipy.special.logsumexp(x, b=W)),
    "scipy.special.softmax": (special.softmax, osc.scipy.special.softmax),
    "scipy.special.log_softmax": (special.log_softmax, osc.scipy.special.log_softmax),
    "scipy.special.polygamma": (lambda x: special.polygamma(1, x), lambda x: osc.scipy.special.polygamma(1, x)),
    "scipy.special.multigammaln": (lambda x: special.multigammaln(x + 2.0, 3),
                                   lambda x: osc.scipy.special.multigammaln(x + 2.0, 3)),
    **{f"scipy.special.{n}": (lambda x, n=n: getattr(special, n)(2, x + 1.0),
                              lambda x, n=n: getattr(osc.scipy.special, n)(2, x + 1.0))
       for n in ("spherical_jn", "spherical_yn", "spherical_in", "spherical_kn")},
    "scipy.special.diric": (lambda x: special.diric(x + 0.5, 3), lambda x: osc.scipy.special.diric(x + 0.5, 3)),
    "scipy.special.comb": (lambda x: special.comb(x + 5.0, 3.0 * x),
                           lambda x: osc.scipy.special.comb(x + 5.0, 3.0 * x)),
    "scipy.special.perm": (lambda x: special.perm(x + 5.0, 3.0 * x),
                           lambda x: osc.scipy.special.perm(x + 5.0, 3.0 * x)),
    "scipy.special.lqn": (lambda x: special.lqn(3, 0.5 * x), lambda x: osc.scipy.special.lqn(3, 0.5 * x)),
    "scipy.special.lqmn": (lambda x: special.lqmn(2, 3, 0.5 * x), lambda x: osc.scipy.special.lqmn(2, 3, 0.5 * x)),
    **{f"scipy.special.{n}": (lambda x, n=n: getattr(special, n)(3, x[0] + 0.5, x[1] - 0.2)(x),
                              lambda x, n=n: getattr(osc.scipy.special, n)(3, x[0] + 0.5, x[1] - 0.2)(x))
       for n in ("jacobi", "sh_jacobi")},
    **{f"scipy.special.{n}": (lambda x, n=n: getattr(special, n)(3, x[0] + 1.5, x[1] + 0.2),
                              lambda x, n=n: getattr(osc.scipy.special, n)(3, x[0] + 1.5, x[1] + 0.2))
       for n in ("roots_jacobi", "roots_sh_jacobi")},  # (j_roots, js_roots: the same objects)
    "scipy.linalg.solve": (lambda x: scipy_linalg.solve(_spd(x), W), lambda x: osc.scipy.linalg.solve(_spd(x), W)),
    "scipy.linalg.inv": (lambda x: scipy_linalg.inv(_spd(x)), lambda x: osc.scipy.linalg.inv(_spd(x))),
    "scipy.linalg.det": (lambda x: scipy_linalg.det(_spd(x)), lambda x: osc.scipy.linalg.det(_spd(x))),
    "scipy.linalg.cholesky": (lambda x: scipy_linalg.cholesky(_spd(x)), lambda x: osc.scipy.linalg.cholesky(_spd(x))),
    "scipy.linalg.cho_factor": (lambda x: scipy_linalg.cho_factor(_spd(x))[0],
                                lambda x: osc.scipy.linalg.cho_factor(_spd(x))[0]),
    "scipy.linalg.cho_solve": (lambda x: scipy_linalg.cho_solve((L_CONST, True), x),
                               lambda x: osc.scipy.linalg.cho_solve((L_CONST, True), x)),
    "scipy.linalg.solve_triangular": (lambda x: scipy_linalg.solve_triangular(L_CONST, x, lower=True),
                                      lambda x: osc.scipy.linalg.solve_triangular(L_CONST, x, lower=True)),
    "scipy.linalg.lu_factor": (lambda x: scipy_linalg.lu_factor(_spd(x))[0], lambda x: osc.scipy.linalg.lu_factor(_spd(x))[0]),
    "scipy.linalg.lu_solve": (lambda x: scipy_linalg.lu_solve(scipy_linalg.lu_factor(_spd(P)), x),
                              lambda x: osc.scipy.linalg.lu_solve(scipy_linalg.lu_factor(_spd(P)), x)),
    "scipy.linalg.lu": (lambda x: scipy_linalg.lu(_spd(x))[2], lambda x: osc.scipy.linalg.lu(_spd(x))[2]),
    "scipy.linalg.eigh": (lambda x: scipy_linalg.eigh(_spd(x))[0], lambda x: osc.scipy.linalg.eigh(_spd(x))[0]),
    "scipy.linalg.eigvalsh": (lambda x: scipy_linalg.eigvalsh(_spd(x)), lambda x: osc.scipy.linalg.eigvalsh(_spd(x))),
    "scipy.linalg.norm": (scipy_linalg.norm, osc.scipy.linalg.norm),
    "scipy.linalg.expm": (lambda x: scipy_linalg.expm(np.outer(x, W)), lambda x: osc.scipy.linalg.expm(np.outer(x, W))),
    "scipy.linalg.expm_frechet": (lambda x: scipy_linalg.expm_frechet(np.outer(x, W), _spd(x))[1],
                                  lambda x: osc.scipy.linalg.expm_frechet(np.outer(x, W), _spd(x))[1]),
    "scipy.linalg.logm": (lambda x: scipy_linalg.logm(_spd(x)), lambda x: osc.scipy.linalg.logm(_spd(x))),
    "scipy.linalg.sqrtm": (lambda x: scipy_linalg.sqrtm(_spd(x)), lambda x: osc.scipy.linalg.sqrtm(_spd(x))),
    "scipy.linalg.block_diag": (lambda x: scipy_linalg.block_diag(x, np.outer(x, W)),
                                lambda x: osc.scipy.linalg.block_diag(x, np.outer(x, W))),
    "scipy.spatial.distance.pdist": (lambda x: scipy_distance.pdist(np.outer(x, W)),
                                     lambda x: osc.scipy.spatial.distance.pdist(np.outer(x, W))),
    "scipy.spatial.distance.cdist": (lambda x: scipy_distance.cdist(np.outer(x, W), np.outer(x ** 2, W) + 1.0),
                                     lambda x: osc.scipy.spatial.distance.cdist(np.outer(x, W), np.outer(x ** 2, W) + 1.0)),
    "scipy.spatial.distance.squareform": (lambda x: scipy_distance.squareform(np.concatenate([x, x[:2]])),
                                          lambda x: osc.scipy.spatial.distance.squareform(np.concatenate([x, x[:2]]))),
    **{f"scipy.spatial.distance.{n}": (lambda x, n=n: getattr(scipy_distance, n)(x, W + 2.0),
                                         lambda x, n=n: getattr(osc.scipy.spatial.distance, n)(x, W + 2.0))
       for n in ("euclidean", "sqeuclidean", "cityblock", "minkowski", "chebyshev", "cosine", "correlation",
                 "braycurtis", "canberra", "jensenshannon", "hamming", "jaccard", "dice", "rogerstanimoto",
                 "russellrao", "sokalsneath", "yule")},
    "scipy.spatial.distance.directed_hausdorff": (
        lambda x: scipy_distance.directed_hausdorff(np.outer(x, W), np.outer(W, x) + 1.0)[0],
        lambda x: osc.scipy.spatial.distance.directed_hausdorff(np.outer(x, W), np.outer(W, x) + 1.0)[0]),
    "scipy.spatial.distance.seuclidean": (lambda x: scipy_distance.seuclidean(x, W, W + 1.0),
                                          lambda x: osc.scipy.spatial.distance.seuclidean(x, W, W + 1.0)),
    "scipy.spatial.distance.mahalanobis": (lambda x: scipy_distance.mahalanobis(x, W, _spd(W)),
                                           lambda x: osc.scipy.spatial.distance.mahalanobis(x, W, _spd(W))),
    "scipy.linalg.svd": (lambda x: scipy_linalg.svd(np.outer(x, W) + np.diag(W))[1],
                         lambda x: osc.scipy.linalg.svd(np.outer(x, W) + np.diag(W))[1]),
    "scipy.linalg.svdvals": (lambda x: scipy_linalg.svdvals(np.outer(x, W) + np.diag(W)),
                             lambda x: osc.scipy.linalg.svdvals(np.outer(x, W) + np.diag(W))),
    "scipy.linalg.qr": (lambda x: scipy_linalg.qr(_spd(x))[1], lambda x: osc.scipy.linalg.qr(_spd(x))[1]),
    "scipy.linalg.pinv": (lambda x: scipy_linalg.pinv(np.outer(x, W) + np.diag(W)),
                          lambda x: osc.scipy.linalg.pinv(np.outer(x, W) + np.diag(W))),
    "scipy.linalg.pinvh": (lambda x: scipy_linalg.pinvh(_spd(x)), lambda x: osc.scipy.linalg.pinvh(_spd(x))),
    "scipy.linalg.lstsq": (lambda x: scipy_linalg.lstsq(np.outer(W, x)[:, :3] + np.eye(4, 3), W)[0],
                           lambda x: osc.scipy.linalg.lstsq(np.outer(W, x)[:, :3] + np.eye(4, 3), W)[0]),
    "scipy.linalg.toeplitz": (lambda x: scipy_linalg.toeplitz(x, W), lambda x: osc.scipy.linalg.toeplitz(x, W)),
    "scipy.linalg.hankel": (lambda x: scipy_linalg.hankel(x, W), lambda x: osc.scipy.linalg.hankel(x, W)),
    # (SciPy's circulant never calls np.asarray: it reads the input's strides, which a tracer refuses)
    "scipy.linalg.circulant": (lambda x: scipy_linalg.circulant(x), lambda x: osc.scipy.linalg.circulant(x)),
    "scipy.linalg.companion": (lambda x: scipy_linalg.companion(x + 1.0), lambda x: osc.scipy.linalg.companion(x + 1.0)),
    "scipy.linalg.khatri_rao": (lambda x: scipy_linalg.khatri_rao(np.outer(x, W), _spd(x)),
                                lambda x: osc.scipy.linalg.khatri_rao(np.outer(x, W), _spd(x))),
    "scipy.linalg.solve_sylvester": (lambda x: scipy_linalg.solve_sylvester(_spd(x), _spd(W), np.outer(x, W)),
                                     lambda x: osc.scipy.linalg.solve_sylvester(_spd(x), _spd(W), np.outer(x, W))),
    "scipy.linalg.solve_continuous_lyapunov": (
        lambda x: scipy_linalg.solve_continuous_lyapunov(_spd(x), np.outer(x, W)),
        lambda x: osc.scipy.linalg.solve_continuous_lyapunov(_spd(x), np.outer(x, W))),
    "scipy.linalg.solve_discrete_lyapunov": (
        lambda x: scipy_linalg.solve_discrete_lyapunov(0.1 * _spd(x), np.outer(x, W)),
        lambda x: osc.scipy.linalg.solve_discrete_lyapunov(0.1 * _spd(x), np.outer(x, W))),
    "scipy.linalg.solve_continuous_are": (
        lambda x: scipy_linalg.solve_continuous_are(np.outer(x, W), np.eye(4), _spd(x), np.eye(4)),
        lambda x: osc.scipy.linalg.solve_continuous_are(np.outer(x, W), np.eye(4), _spd(x), np.eye(4))),
    "scipy.linalg.solve_discrete_are": (
        lambda x: scipy_linalg.solve_discrete_are(np.outer(x, W), np.eye(4), _spd(x), np.eye(4)),
        lambda x: osc.scipy.linalg.solve_discrete_are(np.outer(x, W), np.eye(4), _spd(x), np.eye(4))),
    "scipy.linalg.solve_banded": (lambda x: scipy_linalg.solve_banded((1, 1), np.stack([x, x + 4.0, x]), W),
                                  lambda x: osc.scipy.linalg.solve_banded((1, 1), np.stack([x, x + 4.0, x]), W)),
    "scipy.linalg.solveh_banded": (lambda x: scipy_linalg.solveh_banded(np.stack([x, x + 4.0]), W),
                                   lambda x: osc.scipy.linalg.solveh_banded(np.stack([x, x + 4.0]), W)),
    "scipy.linalg.cholesky_banded": (lambda x: scipy_linalg.cholesky_banded(np.stack([x, x + 4.0])),
                                     lambda x: osc.scipy.linalg.cholesky_banded(np.stack([x, x + 4.0]))),
    "scipy.linalg.cho_solve_banded": (lambda x: scipy_linalg.cho_solve_banded((np.stack([x, x + 2.0]), False), W),
                                      lambda x: osc.scipy.linalg.cho_solve_banded((np.stack([x, x + 2.0]), False), W)),
    "scipy.linalg.solve_toeplitz": (lambda x: scipy_linalg.solve_toeplitz((x + [3.0, 0, 0, 0], W), W),
                                    lambda x: osc.scipy.linalg.solve_toeplitz((x + [3.0, 0, 0, 0], W), W)),
    "scipy.linalg.matmul_toeplitz": (lambda x: scipy_linalg.matmul_toeplitz((x, W), W),
                                     lambda x: osc.scipy.linalg.matmul_toeplitz((x, W), W)),
    "scipy.linalg.orth": (lambda x: scipy_linalg.orth(np.outer(x, W) + np.diag(x)),
                          lambda x: osc.scipy.linalg.orth(np.outer(x, W) + np.diag(x))),
    "scipy.linalg.null_space": (lambda x: _projector(scipy_linalg.null_space(_spd(x)[:2])),
                                lambda x: _projector(osc.scipy.linalg.null_space(_spd(x)[:2]))),
    "scipy.linalg.polar": (lambda x: scipy_linalg.polar(_spd(x) + np.outer(x, W))[0],
                           lambda x: osc.scipy.linalg.polar(_spd(x) + np.outer(x, W))[0]),
    "scipy.linalg.orthogonal_procrustes": (
        lambda x: scipy_linalg.orthogonal_procrustes(_spd(x), np.outer(W, x) + np.eye(4))[0],
        lambda x: osc.scipy.linalg.orthogonal_procrustes(_spd(x), np.outer(W, x) + np.eye(4))[0]),
    "scipy.linalg.subspace_angles": (
        lambda x: scipy_linalg.subspace_angles(np.stack([x, x ** 2], 1), np.stack([W, W * x], 1)),
        lambda x: osc.scipy.linalg.subspace_angles(np.stack([x, x ** 2], 1), np.stack([W, W * x], 1))),
    "scipy.linalg.fractional_matrix_power": (
        lambda x: scipy_linalg.fractional_matrix_power(_spd(x), 0.5),
        lambda x: osc.scipy.linalg.fractional_matrix_power(_spd(x), 0.5),
        lambda x: np.real(scipy_linalg.fractional_matrix_power(_spd(x), 0.5))),
    "scipy.linalg.convolution_matrix": (lambda x: scipy_linalg.convolution_matrix(x, 3),
                                        lambda x: osc.scipy.linalg.convolution_matrix(x, 3)),
    "scipy.linalg.leslie": (lambda x: scipy_linalg.leslie(x, W[:3]), lambda x: osc.scipy.linalg.leslie(x, W[:3])),
    "scipy.linalg.fiedler": (lambda x: scipy_linalg.fiedler(x), lambda x: osc.scipy.linalg.fiedler(x)),
    "scipy.linalg.fiedler_companion": (lambda x: scipy_linalg.fiedler_companion(x + 1.0),
                                       lambda x: osc.scipy.linalg.fiedler_companion(x + 1.0)),
    "scipy.linalg.diagsvd": (lambda x: scipy_linalg.diagsvd(x, 4, 5), lambda x: osc.scipy.linalg.diagsvd(x, 4, 5)),
    **{f"scipy.linalg.{n}": (lambda x, n=n: getattr(scipy_linalg, n)(0.3 * np.outer(x, W)),
                             lambda x, n=n: getattr(osc.scipy.linalg, n)(0.3 * np.outer(x, W)))
       for n in ("sinm", "cosm", "tanm", "sinhm", "coshm", "tanhm")},
    "scipy.fft": (lambda x: np.real(scipy_fft.rfft(x) ** 2), lambda x: np.real(osc.scipy.fft.rfft(x) ** 2)),
    "scipy.stats": (lambda x: stats.norm.logpdf(x, loc=0.5, scale=2.0),
                    lambda x: osc.scipy.stats.norm.logpdf(x, loc=0.5, scale=2.0)),
    **{f"scipy.optimize.{name}": (
        # (z + 0.2 z³ = x, written as F = x - z - 0.2 z³: a Jacobian near -1 suits every one of these solvers)
        lambda x, name=name: getattr(scipy_optimize, name)(lambda z: x - z - 0.2 * z ** 3, np.full(4, 0.5),
                                                           f_tol=1e-13),
        lambda x, method=method: osc.scipy.optimize.root(lambda z, x: x - z - 0.2 * z ** 3, np.full(4, 0.5), args=(x,),
                                                         method=method, options={"fatol": 1e-13}).x)
       for name, method in (("broyden1", "broyden1"), ("broyden2", "broyden2"), ("anderson", "anderson"),
                            ("diagbroyden", "diagbroyden"), ("excitingmixing", "excitingmixing"),
                            ("linearmixing", "linearmixing"), ("newton_krylov", "krylov"))},
    "numpy.copyto": (_stored(lambda a, x: np.copyto(a, x, where=x > 0.5)), lambda x: np.where(x > 0.5, x, 0.0)),
    "numpy.put": (_stored(lambda a, x: np.put(a, [0, 2], x[:2])), lambda x: osc.numpy.set_at(np.zeros(4), [0, 2], x[:2])),
    "numpy.putmask": (_stored(lambda a, x: np.putmask(a, x > 0.5, x)), lambda x: np.where(x > 0.5, x, 0.0)),
    "numpy.fill_diagonal": (_stored(lambda a, x: np.fill_diagonal(a.reshape(2, 2), x[:2])),
                            lambda x: osc.numpy.set_diagonal(np.zeros((2, 2)), x[:2]).ravel()),
    "numpy.place": (_stored(lambda a, x: np.place(a, x > 0.5, x[x > 0.5])), lambda x: np.where(x > 0.5, x, 0.0)),
    "numpy.r_": (lambda x: np.r_[x, 1.0], lambda x: np.concatenate([x, np.ones(1)])),
    "numpy.vectorize": (lambda x: np.vectorize(math.exp)(x), np.exp),
}


def test_the_table_of_alternatives_is_fully_tested():
    assert set(ALTERNATIVE_CASES) == set(ALTERNATIVES)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_an_unsupported_function_names_a_working_alternative(name):
    original, alternative, *ref = ALTERNATIVE_CASES[name]
    reference = ref[0] if ref else original
    with pytest.raises(UnsupportedFunctionError) as info:
        osc.jvp(original, (P,), (V,))
    message = str(info.value)
    assert message.startswith(name) and "is not supported on traced values by osculate" in message
    assert ALTERNATIVES[name] in message
    assert "NumPy functions directly" not in message
    assert core.current_depth() == 0
    # the alternative runs on traced values (to second order) and is the same function
    y, t = osc.jvp(alternative, (P,), (V,))
    want = np.asarray(reference(P))
    np.testing.assert_allclose(np.asarray(y, dtype=float), want.astype(float), rtol=1e-10, atol=1e-14)
    if want.dtype.kind == "f":
        h = 1e-6
        fd = (np.asarray(reference(P + h * V)) - np.asarray(reference(P - h * V))) / (2 * h)
        np.testing.assert_allclose(t, fd, rtol=1e-6, atol=1e-8)
        second = osc.jvp(lambda x: osc.jvp(alternative, (x,), (V,))[1], (P,), (V,))[1]
        fd2 = (np.asarray(reference(P + 1e-4 * V)) - 2 * want + np.asarray(reference(P - 1e-4 * V))) / 1e-8
        np.testing.assert_allclose(second, fd2, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "fn, name",
    [
        (lambda x: special.obl_rad2(1, 2, 0.8, x)[0], "scipy.special.obl_rad2"),
        (lambda x: special.pro_rad2(1, 2, 0.8, x + 1.5)[0], "scipy.special.pro_rad2"),
        (lambda x: scipy_linalg.qz(np.outer(x, x) + np.eye(4), np.eye(4))[0], "scipy.linalg.qz"),
    ],
    ids=["obl_rad2", "pro_rad2", "qz"],
)
def test_a_scipy_function_without_equivalent_says_so_and_names_custom_rules(fn, name):
    with pytest.raises(UnsupportedFunctionError) as info:
        osc.grad(lambda x: np.sum(fn(x)))(P)
    message = str(info.value)
    assert message.startswith(name + " is not supported on traced values by osculate")
    assert "no equivalent" in message and "osculate.custom_jvp" in message
    assert "NumPy functions directly" not in message
    assert_clean()


def test_wrapping_a_scipy_function_with_custom_jvp_works_as_the_message_says():
    @osc.custom_jvp
    def erfinv(x):
        return special.erfinv(x)

    @erfinv.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        y = erfinv(x)
        return y, t * (np.sqrt(np.pi) / 2) * np.exp(y**2)

    y = special.erfinv(P)
    np.testing.assert_allclose(osc.grad(lambda x: np.sum(erfinv(x)))(P), np.sqrt(np.pi) / 2 * np.exp(y**2), rtol=1e-13)
    np.testing.assert_allclose(osc.hessian(lambda x: np.sum(erfinv(x)))(P), np.diag(np.pi / 2 * y * np.exp(2 * y**2)),
                               rtol=1e-12, atol=1e-300)
    assert_clean()


def test_a_numpy_function_without_alternative_points_at_osculate_numpy():
    with pytest.raises(UnsupportedFunctionError, match=r"^numpy\.gcd is not supported on traced values by osculate .*; "
                                                       r"see osculate\.numpy.*custom_jvp"):
        osc.grad(lambda x: np.gcd(x, 2.0))(P)
    assert_clean()


def test_a_function_osculate_has_but_numpy_does_not_route_names_it():
    for fn, ours in ((np.asarray_chkfinite, "osculate.numpy.asarray_chkfinite"), (np.require, "osculate.numpy.require")):
        with pytest.raises(UnsupportedFunctionError, match=f"; use {ours} instead"):
            osc.grad(lambda x, fn=fn: np.sum(fn(x)))(P)
    with pytest.raises(ConcretizationError, match="np.ascontiguousarray, np.asfortranarray and np.asanyarray"):
        osc.grad(lambda x: np.sum(np.ascontiguousarray(x)))(P)
    assert_clean()


def test_scipy_versions_of_numpy_ufuncs_just_work():
    for scipy_fn, numpy_fn in ((special.expm1, np.expm1), (special.log1p, np.log1p), (special.exp2, np.exp2), (special.cbrt, np.cbrt),
                               (special.psi, special.digamma), (special.softplus, osc.numpy.softplus)):
        f = lambda x, g=scipy_fn: np.sum(g(x) ** 2)  # noqa: E731
        g = lambda x, g=numpy_fn: np.sum(g(x) ** 2)  # noqa: E731
        np.testing.assert_allclose(osc.hessian(f)(P), osc.hessian(g)(P), rtol=1e-14)
    assert_clean()


def test_a_traced_value_has_no_strides():
    """Code that builds views from strides gets one clear error (and hasattr stays
    usable on plain arrays)."""
    with pytest.raises(ConcretizationError, match=r"memory layout \(strides\) of a traced value"):
        osc.grad(lambda x: x.strides[0] * x[0])(P)
    assert_clean()
