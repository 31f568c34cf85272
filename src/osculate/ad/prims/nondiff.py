"""Piecewise-constant primitives: comparisons, logical operations, ``sign``,
rounding, ``isnan``...

Their derivative is zero wherever it exists, so each is a primitive with
``constant_output=True`` -- no tangent, cotangent, Taylor coefficient or
index set to propagate, and reverse mode does not record it -- plus the
elementwise batch rule.  One line per primitive.
"""

from __future__ import annotations

import numpy as np

from ..batching import elementwise_batch
from ..core import Primitive

__all__ = ["NONDIFF", "greater", "equal", "sign"]  # (not the factory: it would shadow this module in `prims`)

NONDIFF: dict[str, Primitive] = {}


def nondiff(name, impl, batch=None):
    """A piecewise-constant primitive (elementwise unless ``batch`` says otherwise)."""
    p = Primitive(name, impl, constant_output=True)
    p.def_rule("batch", batch or elementwise_batch(p))
    NONDIFF[name] = p
    return p


for _name, _fn in [
    ("greater", np.greater), ("greater_equal", np.greater_equal), ("less", np.less),
    ("less_equal", np.less_equal), ("equal", np.equal), ("not_equal", np.not_equal),
    ("logical_and", np.logical_and), ("logical_or", np.logical_or), ("logical_xor", np.logical_xor),
    ("logical_not", np.logical_not), ("sign", np.sign), ("floor", np.floor), ("ceil", np.ceil),
    ("rint", np.rint), ("trunc", np.trunc), ("floor_divide", np.floor_divide),
    ("isnan", np.isnan), ("isinf", np.isinf), ("isfinite", np.isfinite), ("signbit", np.signbit),
    ("spacing", np.spacing), ("nextafter", np.nextafter),
]:
    nondiff(_name, _fn)


def greater(x, y):
    return NONDIFF["greater"].bind(x, y)


def equal(x, y):
    return NONDIFF["equal"].bind(x, y)


def sign(x):
    return NONDIFF["sign"].bind(x)
