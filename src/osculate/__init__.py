"""osculate: automatic differentiation for second and higher derivatives.

>>> import numpy as np, osculate as osc
>>> f = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
>>> x = np.array([1.0, 1.0])
>>> osc.grad(f)(x)
array([0., 0.])
>>> osc.hessian(f)(x)
array([[ 802., -400.],
       [-400.,  200.]])
"""

from . import numpy  # noqa: F401  (the traced NumPy namespace)
from .ad import (
    HVP_MODES,
    ConcretizationError,
    LeakedTracerError,
    MissingRuleError,
    Primitive,
    UnsupportedFunctionError,
    custom_jvp,
    checkpoint,
    custom_vjp,
    grad,
    hessian,
    hessian_diagonal,
    hvp,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    value_and_grad,
    vhv,
    vjp,
    vmap,
)
from .linop import (
    SymmetricMatrix,
    eigenvalues,
    fisher_operator,
    ggn_operator,
    hessian_operator,
    hutchinson_diagonal,
    hutchinson_trace,
    hutchpp_trace,
    lanczos,
    spectral_density,
)
from .sparse import hessian_sparsity, jacobian_sparsity, sparse_hessian, sparse_jacobian
from .ad.prims.arithmetic import stop_gradient

__version__ = "0.1.0"

__all__ = [
    "grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "hessian", "hessian_diagonal", "hvp", "vhv",
    "HVP_MODES", "vmap", "checkpoint", "linearize", "SymmetricMatrix", "sparse_hessian", "sparse_jacobian",
    "hessian_sparsity", "jacobian_sparsity", "hessian_operator", "ggn_operator", "fisher_operator",
    "eigenvalues", "lanczos", "hutchinson_trace", "hutchpp_trace", "hutchinson_diagonal", "spectral_density",
    "custom_jvp", "custom_vjp", "stop_gradient", "Primitive", "MissingRuleError", "LeakedTracerError",
    "ConcretizationError", "UnsupportedFunctionError", "numpy",
]
