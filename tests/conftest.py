"""Shared fixtures for the test suite (kept deliberately small)."""

import numpy as np
import pytest

from osculate.ad import core


@pytest.fixture
def rng():
    """A seeded generator: every random input in the suite is reproducible."""
    return np.random.default_rng(20240601)


@pytest.fixture(autouse=True)
def _trace_stack_is_clean():
    """No test may start or finish with a transformation still open."""
    assert core.current_depth() == 0, "a previous test left a trace on the stack"
    yield
    assert core.current_depth() == 0, "this test left a trace on the stack"
