"""Curvature for machine learning.

Dense layers found in the trace of a plain NumPy loss (:mod:`.layers`),
K-FAC / EKFAC / diagonal curvature estimates and exact Gauss-Newton
products (:mod:`.curvature`), optimisers in one ``init`` / ``update``
convention (:mod:`.optimizers`: sgd, adam, adamw, adahessian, shampoo;
:mod:`.second_order`: kfac, natural_gradient, hessian_free), a training
loop (:mod:`.training`), the approximation-quality study (:mod:`.quality`) and
the digits data with a plain-NumPy MLP (:mod:`.data`).  See
``docs/ml_curvature.md``.

The optimiser ``osc.ml.kfac(loss, ...)`` uses the estimate
``osc.ml.kfac_curvature(loss, params, batch)``.
"""

from .curvature import (
    GGN,
    KFAC,
    LayerStatistics,
    diagonal,
    ggn_product,
    kfac_curvature,
    layer_statistics,
)
from .layers import DenseLayer, Network, describe, trace_network
from .optimizers import (
    OPTIMIZERS,
    Optimizer,
    adahessian,
    adam,
    adam_diagonal,
    adamw,
    apply_updates,
    hutchinson_diagonal,
    sgd,
    shampoo,
)
from .quality import ApproximationQuality, approximation_quality, exact_ggn
from .second_order import SECOND_ORDER_OPTIMIZERS, hessian_free, kfac, natural_gradient
from .training import TrainResult, train

__all__ = [
    # layers found in the trace
    "DenseLayer", "Network", "describe", "trace_network",
    # curvature estimates
    "GGN", "KFAC", "LayerStatistics", "diagonal", "ggn_product", "kfac_curvature", "layer_statistics",
    "adam_diagonal", "hutchinson_diagonal",
    # optimisers and training
    "Optimizer", "OPTIMIZERS", "SECOND_ORDER_OPTIMIZERS", "apply_updates",
    "sgd", "adam", "adamw", "adahessian", "shampoo", "kfac", "natural_gradient", "hessian_free",
    "TrainResult", "train",
    # how close the estimates come
    "ApproximationQuality", "approximation_quality", "exact_ggn",
]
