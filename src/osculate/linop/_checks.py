"""Validators and random probes shared by the modules of :mod:`osculate.linop`
(internal: nothing here is part of the public API).  Their results' text and
``to_dict`` come from :mod:`osculate.formatting`."""

from __future__ import annotations

import math
import operator
from typing import Any, Union

import numpy as np

__all__ = [
    "Seed",
    "DISTS",
    "positive_int",
    "make_rng",
    "check_dist",
    "probes",
    "probe_block_size",
    "mean_and_std_error",
    "square_dim",
    "check_real_dtype",
]

#: What every ``seed=`` argument accepts: passed to ``numpy.random.default_rng``.
Seed = Union[int, np.random.Generator, None]

#: Probe distributions of the stochastic estimators.
DISTS = ("rademacher", "gaussian")


def positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """``value`` as an ``int`` of at least ``minimum``; ``ValueError`` naming ``name`` otherwise."""
    try:
        v = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None
    if v < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {v}")
    return v


def make_rng(seed: Seed) -> np.random.Generator:
    """The generator for ``seed`` (an existing ``Generator`` is used as is)."""
    return np.random.default_rng(seed)


def check_dist(dist: str) -> None:
    if dist not in DISTS:
        raise ValueError(f"dist must be one of {DISTS}, got {dist!r}")


def probes(rng: np.random.Generator, n: int, b: int, dist: str) -> np.ndarray:
    """``b`` random probe vectors with ``E[z zᵀ] = I``, as the columns of an
    ``(n, b)`` array.

    The draws are made probe after probe, so asking for the probes in
    several blocks gives the same vectors as asking for all at once.
    """
    check_dist(dist)
    if dist == "rademacher":
        Z = np.where(rng.random((b, n)) < 0.5, -1.0, 1.0)
    else:
        Z = rng.standard_normal((b, n))
    return np.ascontiguousarray(Z.T)


def probe_block_size(n: int, total: int, block_size: int | None) -> int:
    """Probes per block product: ``block_size`` if given, else all of them
    unless the ``(n, b)`` block would pass about 128 MB of float64."""
    if block_size is None:
        return max(1, min(total, (1 << 24) // n))
    return positive_int(block_size, "block_size")


def mean_and_std_error(values: np.ndarray) -> tuple[float, float]:
    """Sample mean and its standard error (``nan`` from a single value)."""
    m = values.size
    mean = float(np.mean(values))
    if m < 2:
        return mean, float("nan")
    return mean, float(np.std(values, ddof=1) / math.sqrt(m))


def square_dim(shape: tuple[int, ...], n: int | None) -> int:
    """The order of a square ``shape``, checked against ``n`` when given."""
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError(f"the operator must be square, got shape {shape}")
    if shape[0] < 1:
        raise ValueError("the operator must have dimension n >= 1")
    if n is not None and operator.index(n) != shape[0]:
        raise ValueError(f"n={n} does not match the operator shape {shape}")
    return shape[0]


def check_real_dtype(dtype: Any) -> None:
    if dtype is not None and np.dtype(dtype).kind == "c":
        raise ValueError("complex operators are not supported; only real symmetric operators are")

