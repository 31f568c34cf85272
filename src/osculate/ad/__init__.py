"""The AD engine: primitives and traces (``core``), forward mode
(``forward``), reverse mode (``reverse``), batching (``batching``),
linearisation (``staging``), staged replay (``jit``), Taylor mode (``taylor``), user rules
(``custom``), rematerialisation (``remat``) and the transformations built on
them (``transforms``).  Every primitive and its rules live in ``prims``."""

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
from .custom import custom_jvp, custom_vjp
from .jit import jit
from .remat import checkpoint
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
    "jacfwd", "jacrev", "hessian", "hessian_diagonal", "hvp", "vhv", "HVP_MODES", "vmap", "checkpoint", "linearize", "jit",
]
