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

from importlib import metadata as _metadata

from . import numpy  # noqa: F401  (the traced NumPy namespace)
from . import scipy  # noqa: F401  (the traced SciPy namespace)
from . import analysis, ml, optim  # noqa: F401
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
    hvp,
    jacfwd,
    jacrev,
    jit,
    jvp,
    linearize,
    value_and_grad,
    vhv,
    vjp,
    vmap,
    real_hessian,
    wirtinger_hessian,
    WirtingerHessian,
    ravel_pytree,
    register_pytree_node,
    register_pytree_node_class,
    cond,
    switch,
    while_loop,
    fori_loop,
    scan,
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
from .analysis import (
    CriticalPointSearch,
    classify_point,
    curvature,
    curve_curvature,
    directional_curvature,
    find_critical_points,
    graph_curvature,
    hessian_diagonal,
    hessian_trace,
    laplacian,
    operator_curvature,
    plot_landscape,
    plot_spectrum,
    quadratic_model,
)
from .optim import least_squares, minimize, scipy_callables
from .sparse import hessian_sparsity, jacobian_sparsity, sparse_hessian, sparse_jacobian
from .ad.prims.arithmetic import stop_gradient
from .allocator import tune_malloc
from .ad.taylor import (
    TaylorPolynomial,
    TaylorSeries,
    derivatives_along,
    taylor,
    taylor_polynomial,
)

try:  # one source of the version: pyproject.toml, through the installed metadata
    __version__ = _metadata.version("osculate")
except _metadata.PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "unknown (not installed)"

__all__ = [
    "grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "hessian", "hessian_diagonal", "hvp", "vhv",
    "HVP_MODES", "vmap", "checkpoint", "linearize", "jit", "SymmetricMatrix", "sparse_hessian", "sparse_jacobian",
    "hessian_sparsity", "jacobian_sparsity", "hessian_operator", "ggn_operator", "fisher_operator",
    "eigenvalues", "lanczos", "hutchinson_trace", "hutchpp_trace", "hutchinson_diagonal", "spectral_density",
    "custom_jvp", "custom_vjp", "stop_gradient", "Primitive", "MissingRuleError", "LeakedTracerError",
    "ConcretizationError", "UnsupportedFunctionError", "numpy", "analysis", "optim",
    "curvature", "classify_point", "find_critical_points", "CriticalPointSearch", "quadratic_model", "directional_curvature",
    "graph_curvature", "curve_curvature", "hessian_trace", "laplacian", "operator_curvature",
    "plot_spectrum", "plot_landscape", "minimize", "least_squares", "scipy_callables",
    "taylor", "derivatives_along", "taylor_polynomial", "TaylorSeries",
    "TaylorPolynomial", "tune_malloc",
    "register_pytree_node", "register_pytree_node_class", "ravel_pytree",
    "cond", "switch", "while_loop", "fori_loop", "scan",
]

# implicit functions (issue 17): roots, fixed points and minimizers differentiable in their parameters
from .ad.implicit import SingularJacobianError, custom_root, fixed_point, root, root_scalar  # noqa: E402
from .optim.implicit import argmin  # noqa: E402

__all__ += ["custom_root", "root_scalar", "root", "fixed_point", "argmin", "SingularJacobianError"]

# constrained minimisation (issue 21): constraints for minimize(..., constraints=[...])
from .optim import Eq, Ineq  # noqa: E402
from .analysis import ConstrainedPoint, classify_constrained  # noqa: E402

__all__ += ["Eq", "Ineq", "classify_constrained", "ConstrainedPoint"]

# finite sums over partitioned data, in memory or on Dask (issue 20), and fits with standard errors
from . import stats  # noqa: E402
from .scale import FiniteSum  # noqa: E402

__all__ += ["FiniteSum", "stats"]
