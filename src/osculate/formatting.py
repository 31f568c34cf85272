"""Numbers as text and results as JSON.

One place for what every layer of osculate prints or serialises: the
``__repr__`` of linop and analysis results, the command line's text and
``--json`` output, and the demo.  This module imports nothing from osculate,
so any module, from the engine up, may use it.

>>> format_array(np.array([1.0, 2.5e-9, 3.0]), suppress_small=True)
'[1., 0., 3.]'
>>> import json
>>> json.dumps(to_jsonable({"x": np.array([1.0, np.inf]), "n": np.int64(3)}, strict=True))
'{"x": [1.0, null], "n": 3}'
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

__all__ = [
    "format_number",
    "format_array",
    "format_numbers",
    "format_value",
    "shorten",
    "to_jsonable",
    "fields_to_dict",
    "ToDictMixin",
]


# --------------------------------------------------------------------------- text


def format_number(x: Any, digits: int = 6) -> str:
    """``x`` as a float with ``digits`` significant digits (``%g`` style)."""
    return f"{float(x):.{digits}g}"


def format_array(
    a: Any,
    digits: int = 6,
    *,
    threshold: int | None = None,
    edgeitems: int | None = None,
    suppress_small: bool | None = None,
    width: int | None = None,
) -> str:
    """An array as ``[1., 2., 3.]`` (comma-separated), ``"None"`` for ``None``.

    ``threshold``: above this many entries only ``edgeitems`` at each end are
    shown; ``suppress_small``: tiny entries next to large ones print as 0;
    ``width``: the line length.  Options left at ``None`` follow NumPy's
    print options.
    """
    if a is None:
        return "None"
    return np.array2string(
        np.asarray(a),
        precision=digits,
        threshold=threshold,
        edgeitems=edgeitems,
        suppress_small=suppress_small,
        separator=", ",
        max_line_width=width,
    )


def format_numbers(a: Any, digits: int = 6, width: int = 100) -> str:
    """A number or an array of numbers as the command line and the demo print
    them: ``digits`` significant digits, entries tiny next to the largest as 0.

    >>> format_numbers(2.0 / 3.0), format_numbers([1.0, 1e-12])
    ('0.666667', '[1., 0.]')
    """
    a = np.asarray(a, dtype=float)
    if a.ndim == 0:
        return format_number(a, digits)
    return format_array(a, digits, suppress_small=True, width=width)


def format_value(value: Any, digits: int = 6, summarize: type | tuple[type, ...] = ()) -> str:
    """One field of a result, short, for a ``__repr__``: floats with ``digits``
    significant digits, arrays with at most 10 entries shown, a non-empty
    list of ``summarize`` instances as ``[3 Name]``, anything else by ``repr``."""
    if isinstance(value, (float, np.floating)):
        return format_number(value, digits)
    if isinstance(value, np.ndarray):
        return format_array(value, digits, threshold=10, edgeitems=3, suppress_small=False)
    if summarize and isinstance(value, (list, tuple)) and value and all(isinstance(v, summarize) for v in value):
        return f"[{len(value)} {type(value[0]).__name__}]"
    return repr(value)


def shorten(text: Any, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, ending in ``...`` when cut."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- JSON


def to_jsonable(value: Any, strict: bool = False) -> Any:
    """``value`` with plain Python types only, so that :func:`json.dumps` accepts it.

    Dataclasses become dictionaries (through their ``to_dict`` when they have
    one), arrays and tuples lists, NumPy scalars Python numbers, dictionary
    keys strings; other objects with a ``to_dict`` are converted by it.  A
    non-finite float stays ``inf``/``nan`` (which :mod:`json` writes as
    ``Infinity``/``NaN``), or with ``strict`` becomes ``None`` (``null``), so
    that ``json.dumps(..., allow_nan=False)`` works.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "to_dict"):
            return to_jsonable(value.to_dict(), strict)
        return {f.name: to_jsonable(getattr(value, f.name), strict) for f in dataclasses.fields(value)}
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist(), strict) if strict else value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if strict and not math.isfinite(value) else float(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, strict) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, strict) for v in value]
    if hasattr(value, "to_dict") and not isinstance(value, type):
        return to_jsonable(value.to_dict(), strict)
    return value


def fields_to_dict(instance: Any) -> dict[str, Any]:
    """The fields of a dataclass instance as plain Python values (see
    :func:`to_jsonable`), leaving out those declared with
    ``metadata={"to_dict": False}`` (bulky arrays such as eigenvectors)."""
    return {
        f.name: to_jsonable(getattr(instance, f.name))
        for f in dataclasses.fields(instance)
        if f.metadata.get("to_dict", True)
    }


class ToDictMixin:
    """Gives a result dataclass ``to_dict()``: :func:`fields_to_dict` of itself."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python (JSON-serialisable) dictionary of the fields."""
        return fields_to_dict(self)
