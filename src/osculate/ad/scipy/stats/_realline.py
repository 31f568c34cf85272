"""The continuous distributions of :mod:`osculate.ad.scipy.stats` on the whole real line (or a part of it set by a shape parameter)."""

from __future__ import annotations

__all__: list[str] = []
