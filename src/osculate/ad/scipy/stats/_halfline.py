"""The continuous distributions of :mod:`osculate.ad.scipy.stats` on the half line (support ``z >= 0`` or a part of it set by a shape parameter)."""

from __future__ import annotations

__all__: list[str] = []
