"""The continuous distributions of :mod:`osculate.ad.scipy.stats` on bounded intervals."""

from __future__ import annotations

__all__: list[str] = []
