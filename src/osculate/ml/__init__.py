"""Curvature for machine learning: dense layers found in the trace of a
plain NumPy loss, K-FAC / EKFAC / Shampoo / diagonal curvature estimates,
and optimisers that use them.  See ``docs/ml_curvature.md``."""

from .curvature import KFAC, LayerStatistics, diagonal, kfac, layer_statistics
from .layers import DenseLayer, Network, describe, trace_network
from .quality import ApproximationQuality, approximation_quality, exact_ggn

__all__ = [
    "DenseLayer", "Network", "describe", "trace_network",
    "KFAC", "LayerStatistics", "diagonal", "kfac", "layer_statistics",
    "ApproximationQuality", "approximation_quality", "exact_ggn",
]
