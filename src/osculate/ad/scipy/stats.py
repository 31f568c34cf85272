"""``scipy.stats`` distributions on traced values, with SciPy's signatures."""

from __future__ import annotations

__all__: list = []
