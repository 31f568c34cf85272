"""The AD engine, in layers that import one way (``tests/test_layering.py``):

1. the kernel: primitives, traces, tracers (``core``), pytrees (``tree``),
   shared checks (``util``);
2. the traces: forward (``forward``, with ``jvp``), reverse (``reverse``,
   with ``vjp``), batching (``batching``, with ``vmap``), Taylor
   (``taylor_trace``, with the recurrences of ``series``) and sparsity
   detection (``sparsity``), each with the generic rules its families use;
3. the primitives, each one block with all its rules (``prims``);
4. the traced NumPy namespace (``numpy``, public as ``osculate.numpy``) and
   the routing of NumPy calls on tracers to it (``numpy_dispatch``);
5. the transformations: staging (``jit``, ``staging``), the derivatives
   (``transforms``), Taylor mode for users (``taylor``), user rules
   (``custom``), rematerialisation (``remat``), structured control flow
   (``control``) and the table of primitives
   (``registry``, ``python -m osculate.ad.registry --markdown``).
"""

from . import prims  # noqa: F401  (registers all primitives)
from . import numpy_dispatch  # noqa: F401  (installs the Tracer's NumPy protocols and operators)
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
from .control import cond, fori_loop, scan, switch, while_loop
from .custom import custom_jvp, custom_vjp
from .jit import jit
from .ravel import ravel_pytree
from .remat import checkpoint
from .staging import linearize
from .transforms import (
    HVP_MODES,
    grad,
    hessian,
    hvp,
    jacfwd,
    jacrev,
    jvp,
    value_and_grad,
    vhv,
    vjp,
)
from .tree import register_pytree_node, register_pytree_node_class
from . import implicit  # noqa: F401  (registers implicit_solve)
from .wirtinger import WirtingerHessian, real_hessian, wirtinger_hessian
from .core import PRIMITIVES as _PRIMITIVES

#: The names of the primitives osculate itself defines: every module above has
#: registered its own (a user's primitives, defined later, are not among them).
ENGINE_PRIMITIVES = tuple(_PRIMITIVES)

__all__ = [
    "Primitive", "Tracer", "zero", "MissingRuleError", "LeakedTracerError", "ConcretizationError",
    "UnsupportedFunctionError", "custom_jvp", "custom_vjp", "grad", "value_and_grad", "jvp", "vjp",
    "jacfwd", "jacrev", "hessian", "hvp", "vhv", "HVP_MODES", "vmap", "checkpoint", "linearize", "jit",
    "real_hessian", "wirtinger_hessian", "WirtingerHessian",
    "register_pytree_node", "register_pytree_node_class", "ravel_pytree",
    "cond", "switch", "while_loop", "fori_loop", "scan",
]
