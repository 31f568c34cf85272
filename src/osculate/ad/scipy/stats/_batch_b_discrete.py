"""Discrete distributions of :mod:`osculate.ad.scipy.stats`, second batch."""

from __future__ import annotations

__all__ = []
