"""Errors are raised early, name what went wrong, and leave no state behind.

Every test asserts on the message (``match=``) so messages stay actionable,
and then checks that the trace stack is empty and that a normal call right
after the error still works.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special as sp

import osculate as osc
from osculate import ConcretizationError, LeakedTracerError, MissingRuleError, Primitive, UnsupportedFunctionError
from osculate.ad import core
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
        (np.array([1.0 + 1j]), "dtype complex128"),
        ("abc", "dtype <U3"),
    ],
    ids=["int-array", "python-int", "bool", "object", "complex", "str"],
)
def test_non_float_inputs(value, dtype_text):
    pattern = dtype_text + ".*(pass it as float|real floating-point)"
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
        (lambda x: np.fft.fft(x).real, r"numpy\.fft\.fft"),
        (lambda x: np.linalg.qr(np.outer(x, x))[0], r"numpy\.linalg\.qr"),
        (lambda x: np.linalg.eig(np.outer(x, x))[0], r"numpy\.linalg\.eig"),
        (np.unwrap, r"numpy\.unwrap"),
        (np.sinc, r"numpy\.sinc"),
        (lambda x: np.interp(x, [0.0, 1.0], [0.0, 2.0]), r"numpy\.interp"),
        (np.deg2rad, r"numpy\.deg2rad"),
        (sp.gamma, r"scipy\.special\.gamma"),
    ],
    ids=["fft", "qr", "eig", "unwrap", "sinc", "interp", "deg2rad", "scipy.gamma"],
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
    with pytest.raises(NotImplementedError, match=r"ord='nuc' for a 2-d input is not supported"):
        osc.grad(lambda x: np.linalg.norm(np.outer(x, x), "nuc"))(X)

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


def test_assigning_a_traced_scalar_into_a_numpy_array_fails_loudly():
    # NumPy's scalar setitem treats the tracer as a sequence (it defines __getitem__) and raises its
    # own ValueError before any hook of ours runs; the point is that it never silently drops the
    # derivative.  The slice form below gets osculate's explanatory ConcretizationError.
    def f(x):
        y = np.zeros(2)
        y[0] = x[0]
        return np.sum(y)

    with pytest.raises((ValueError, ConcretizationError)):
        osc.grad(f)(X)


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
