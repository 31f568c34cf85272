"""Shared fixtures for the test suite (kept deliberately small)."""

import os

# BLAS on one thread, set before NumPy loads it: the suite makes many small LAPACK calls, which a
# thread pool only slows down (and on a busy two-core machine, by orders of magnitude)
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from osculate.ad import core, reverse  # noqa: E402

# forward over reverse leaves out what only the gradient's primal part needs from inputs of 1024
# elements; the suite does so at every size, so that the primitive tables (small inputs) check it
reverse.TANGENT_ONLY_AT_SIZE = 0


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


def _assert_rel(actual, expected, rtol=1e-12):
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert a.shape == e.shape, (a.shape, e.shape)
    err = float(np.max(np.abs(a - e), initial=0.0))
    scale = float(np.max(np.abs(e), initial=0.0))
    assert err <= rtol * scale + 1e-300, f"error {err:.3e} > {rtol:.0e} * {scale:.3e}"


@pytest.fixture
def assert_rel():
    """``assert_rel(actual, expected, rtol=1e-12)``: equal shapes and
    ``max|a - e| <= rtol * max|e|`` (plus a denormal-level floor)."""
    return _assert_rel
