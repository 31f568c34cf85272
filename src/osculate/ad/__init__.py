"""The AD engine: primitives and traces (``core``), forward mode
(``forward``), reverse mode (``reverse``), user rules (``custom``) and the
transformations built on them (``transforms``)."""

from . import prims  # noqa: F401  (registers all primitives)
from .core import (
    ConcretizationError,
    LeakedTracerError,
    MissingRuleError,
    Primitive,
    Tracer,
    UnsupportedFunctionError,
    zero,
)
from .batching import vmap
from .remat import checkpoint
from .custom import custom_jvp, custom_vjp
from .staging import linearize
from .transforms import (
    HVP_MODES,
    grad,
    hessian,
    hessian_diagonal,
    hvp,
    jacfwd,
    jacrev,
    jvp,
    value_and_grad,
    vhv,
    vjp,
)

__all__ = [
    "Primitive", "Tracer", "zero", "MissingRuleError", "LeakedTracerError", "ConcretizationError",
    "UnsupportedFunctionError", "custom_jvp", "custom_vjp", "grad", "value_and_grad", "jvp", "vjp",
    "jacfwd", "jacrev", "hessian", "hessian_diagonal", "hvp", "vhv", "HVP_MODES", "vmap", "checkpoint", "linearize",
]
