"""Finite sums over partitioned data: :class:`FiniteSum`, in memory or on Dask.

See ``docs/scale_out.md``.
"""
from .finite_sum import FiniteSum

__all__ = ["FiniteSum"]
