"""The registry of primitives and the documented rule kinds.

Every primitive registers itself (names are unique), every rule kind is
documented in one place (``osculate.ad.core.RULE_KINDS``), a missing rule
says why, and the table of ``docs/engine.md`` is the registry's own.
"""

from __future__ import annotations

import math
import pathlib
import sys

import numpy as np
import pytest

import osculate as osc
from osculate.ad import registry
from osculate.ad.core import PRIMITIVES, REQUIRED_KINDS, RULE_KINDS, MissingRuleError, Primitive
from osculate.ad.prims.unary import unary
from osculate.ad.registry import engine_primitives
from osculate.ad.taylor import taylor

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "engine.md"


def test_the_documented_table_is_the_registry():
    text = DOC.read_text()
    begin, end = text.index(registry.BEGIN), text.index(registry.END) + len(registry.END)
    assert text[begin:end] == registry.markdown(), (
        "docs/engine.md's primitive table is stale: regenerate it with "
        "`python -m osculate.ad.registry --markdown` and paste it in place"
    )


@pytest.mark.parametrize("name", sorted(engine_primitives()))
def test_every_primitive_has_each_required_rule_or_says_why(name):
    prim = engine_primitives()[name]
    for kind in REQUIRED_KINDS:
        assert prim.handles(kind) or prim.missing.get(kind), f"{name} has no {kind} rule and does not say why"
    assert set(prim.rules) <= set(RULE_KINDS)


def test_the_engine_registers_every_primitive_it_defines():
    """Every primitive a module of the engine holds is an engine primitive
    (the families' tables, UNARY and NONDIFF, may also hold a user's)."""
    held = {
        value.name
        for module_name, module in list(sys.modules.items())
        if module_name.startswith("osculate.ad")
        for value in vars(module).values()
        if isinstance(value, Primitive)
    }
    engine = set(engine_primitives())
    assert held <= engine
    assert {"add", "exp", "greater", "matmul", "eigh", "custom_jvp", "checkpoint", "scatter_add"} <= engine
    assert all(PRIMITIVES[name] is prim for name, prim in engine_primitives().items())


def test_names_are_unique():
    with pytest.raises(ValueError, match="a primitive named 'add' already exists"):
        Primitive("add", np.add)


def test_rule_kinds_are_the_documented_ones():
    p = Primitive("registry_test_kinds", lambda x: x)
    with pytest.raises(ValueError, match="unknown rule kind 'jvp2'"):
        p.def_rule("jvp2", lambda primals, tangents: None)
    with pytest.raises(ValueError, match="a flag: pass constant_output=True"):
        p.def_rule("constant_output", True)
    with pytest.raises(ValueError, match="unknown rule kind"):
        p.lacks("hessian", "no such kind")
    for kind, contract in RULE_KINDS.items():
        assert contract.startswith(kind + "("), f"the contract of {kind} starts with its signature"


def test_a_missing_rule_says_why():
    p = Primitive("registry_test_lacks", lambda x: 2.0 * x)
    p.def_jvp(lambda primals, tangents: (p.bind(primals[0]), 2.0 * tangents[0]))
    p.lacks("vjp", "a test primitive without a reverse rule")
    with pytest.raises(MissingRuleError, match=r"no vjp rule \(a test primitive without a reverse rule\)"):
        osc.grad(lambda x: p.bind(x))(1.0)
    assert registry.rule_cell(p, "vjp") == "— a test primitive without a reverse rule"
    assert registry.rule_cell(p, "jvp") == "✓"
    with pytest.raises(ValueError, match="has a jvp rule; it cannot also lack one"):
        p.lacks("jvp", "contradiction")
    p.def_vjp(lambda ct, out, primals, wants: (2.0 * ct,))  # defining the rule withdraws the reason
    assert osc.grad(lambda x: p.bind(x))(1.0) == 2.0 and "vjp" not in p.missing


def test_a_constant_output_primitive_needs_no_derivative_rules():
    step = Primitive("registry_test_step", np.floor, constant_output=True)
    assert all(step.handles(k) for k in ("jvp", "vjp", "taylor", "sparsity")) and not step.handles("batch")
    f = lambda x: step.bind(x) * x  # noqa: E731
    assert osc.grad(f)(2.5) == 2.0
    assert osc.jvp(f, (2.5,), (1.0,))[1] == 2.0
    np.testing.assert_allclose(taylor(f, 2.5, [1.0], order=3), [5.0, 2.0, 0.0, 0.0])
    assert osc.hessian_sparsity(lambda x: np.sum(step.bind(x) * x), np.ones(3)).nnz == 0


@pytest.mark.parametrize("reads", ["x", "y"])
def test_an_elementwise_function_given_only_its_derivative_has_a_taylor_rule(reads):
    """The generic path: y' = d · x', with d's series from Taylor mode one order
    lower (``reads="x"``) or from the jvp (``reads="y"``)."""
    deriv = (lambda x, y: np.exp(x)) if reads == "x" else (lambda x, y: y)
    p = unary(f"registry_test_exp_{reads}", np.exp, deriv, reads=reads)
    s = taylor(lambda x: p.bind(x), 0.5, [1.0, 0.25], order=6)
    ref = taylor(np.exp, 0.5, [1.0, 0.25], order=6)
    np.testing.assert_allclose(np.array(s, float), np.array(ref, float), rtol=1e-13)
    s = taylor(lambda x: p.bind(x), 0.0, [1.0], order=5)
    np.testing.assert_allclose(np.array(s, float), [1.0 / math.factorial(j) for j in range(6)], rtol=1e-13)
