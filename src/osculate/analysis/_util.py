"""Shared helpers of :mod:`osculate.analysis`: input checking, flattening
functions of arrays, and the base class that gives every result a readable
``__repr__`` and a JSON-friendly ``to_dict``."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from ..ad import numpy as osc_np
from ..ad.util import COMPLEX_HINT
from ..formatting import fields_to_dict, format_value

__all__ = ["Result", "as_point", "flat_function", "check_scalar_value"]


def as_point(x: Any, what: str = "x") -> np.ndarray:
    """``x`` as a finite float64 array (integers are converted); a clear
    ``ValueError`` names the first NaN/inf entry."""
    if np.iscomplexobj(x):
        raise TypeError(f"{what} is complex; curvature analysis works in real coordinates: {COMPLEX_HINT}")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{what} must be a real array of numbers, got {type(x).__name__}: {err}") from None
    if arr.size == 0:
        raise ValueError(f"{what} is empty; pass a point with at least one coordinate")
    bad = ~np.isfinite(arr)
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f"index {idx[0] if len(idx) == 1 else idx}" if arr.ndim else "the value"
        raise ValueError(
            f"{what} contains a non-finite value ({arr[idx] if arr.ndim else arr}) at {where}; "
            "curvature analysis needs a finite point"
        )
    return arr


def flat_function(f, shape: tuple[int, ...]):
    """``z -> f(z.reshape(shape))`` for a flat ``z`` (identity for 1-D points)."""
    if len(shape) == 1:
        return f
    return lambda z: f(osc_np.reshape(z, shape))


def check_scalar_value(value: Any, what: str = "f(x)") -> float:
    v = np.asarray(value)
    if v.shape != ():
        raise TypeError(f"{what} must be a scalar, got an array of shape {v.shape}")
    v = float(v)
    if not math.isfinite(v):
        raise ValueError(f"{what} = {v} is not finite; curvature analysis needs a finite value")
    return v


class Result:
    """Base of the analysis result dataclasses.

    ``__repr__`` lists the fields (those declared with ``repr=False`` are
    left out), one per line when there are many; ``to_dict`` returns plain
    Python types only (lists, floats, ints, strings, ``None``, nested
    dicts), so ``json.dumps(result.to_dict())`` works.  Non-finite floats
    stay ``float('inf')``/``float('nan')``, which :mod:`json` writes as
    ``Infinity``/``NaN``.
    """

    _multiline = True

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python (JSON-serialisable) dictionary of the fields (bulky
        arrays marked ``metadata={"to_dict": False}``, such as eigenvectors,
        are left out; they remain available as attributes)."""
        return fields_to_dict(self)

    def __repr__(self) -> str:
        items = [
            (f.name, format_value(getattr(self, f.name), summarize=Result))
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.repr
        ]
        name = type(self).__name__
        if not self._multiline:
            return f"{name}(" + ", ".join(f"{k}={v}" for k, v in items) + ")"
        body = ",\n".join(f"    {k}={v}".replace("\n", "\n    ") for k, v in items)
        return f"{name}(\n{body},\n)"
