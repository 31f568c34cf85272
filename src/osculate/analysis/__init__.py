"""Curvature analysis: Hessian spectra, definiteness, critical points, Taylor models.

============================  =====================================================
:func:`curvature`             gradient norm, eigenvalues, inertia, definiteness,
                              condition number, classification (higher-order test
                              at degenerate points)
:func:`classify_point`        the classification alone (a :class:`CriticalPoint`)
:func:`find_critical_points`  multi-start Newton on ``∇f = 0`` in a box, deduplicated
                              and classified (on ``c(x) = 0`` with ``subject_to=``)
:func:`classify_constrained`  second-order test on a constraint set (reduced
                              Hessian ``Zᵀ∇²L Z``, bordered matrix, KKT residuals)
:func:`quadratic_model`       ``m(p) = f + gᵀp + ½pᵀHp`` (dense or matrix-free)
:func:`directional_curvature` ``vᵀHv / ‖v‖²``
:func:`graph_curvature`       ``|f''| / (1 + f'²)^{3/2}`` of ``y = f(x)``
:func:`curve_curvature`       curvature of parametric curves in 2-D / 3-D / n-D
:func:`hessian_diagonal`      ``∂²f/∂xᵢ²``: colouring, dense chunks, Taylor mode or
                              Hutchinson (``method=``; std errors with ``full_output``)
:func:`laplacian`             exact ``Δf = tr ∇²f`` (the sum of the exact diagonal)
:func:`hessian_trace`         exact Laplacian, Hutchinson or Hutch++ (with std error)
:func:`operator_curvature`    spectrum report of any symmetric matrix / operator
:func:`plot_spectrum`         eigenvalues or spectral density (matplotlib)
:func:`plot_landscape`        2-D filled contours with critical points marked
============================  =====================================================

Every result is a plain dataclass with a readable ``repr`` and ``to_dict()``
(plain Python types, ``json.dumps``-able).

>>> import numpy as np
>>> from osculate.analysis import curvature
>>> rep = curvature(lambda x: x[0] ** 2 - x[1] ** 2, np.zeros(2))
>>> rep.classification, rep.inertia.as_tuple()
('saddle point', (1, 1, 0))
"""

from .constrained import ConstrainedPoint, classify_constrained
from .critical import find_critical_points
from .curvature import classify_point, curvature, directional_curvature
from .geometry import curve_curvature, graph_curvature
from .model import ModelComparison, QuadraticModel, quadratic_model
from .plotting import plot_landscape, plot_spectrum
from .results import KINDS, CriticalPoint, CriticalPointSearch, CriticalPointsResult, CurvatureReport, HigherOrderTest
from .spectrum import Inertia, SpectrumReport, operator_curvature
from .trace import hessian_diagonal, hessian_trace, laplacian

__all__ = [
    "curvature",
    "classify_point",
    "find_critical_points",
    "classify_constrained",
    "quadratic_model",
    "directional_curvature",
    "graph_curvature",
    "curve_curvature",
    "hessian_diagonal",
    "hessian_trace",
    "laplacian",
    "operator_curvature",
    "plot_spectrum",
    "plot_landscape",
    "CurvatureReport",
    "CriticalPoint",
    "ConstrainedPoint",
    "CriticalPointSearch",
    "CriticalPointsResult",
    "HigherOrderTest",
    "Inertia",
    "SpectrumReport",
    "QuadraticModel",
    "ModelComparison",
    "KINDS",
]
