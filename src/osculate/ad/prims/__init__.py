"""All primitives, grouped by family, in the order they build on each other:
``structural`` (linear data movement, sums, indexing), ``nondiff``
(piecewise-constant operations), ``unary`` (elementwise functions, one line
each), ``arithmetic`` (+ - * / **, where, maximum...), ``reductions`` (max,
min, prod, cumprod) and ``linalg``.  Each module writes a primitive and all
its rules as one block; importing this package registers them all in
:data:`osculate.ad.core.PRIMITIVES`."""

from . import structural, nondiff, unary, arithmetic, reductions, linalg  # noqa: F401
from .structural import *  # noqa: F401,F403
from .nondiff import *  # noqa: F401,F403
from .unary import *  # noqa: F401,F403
from .arithmetic import *  # noqa: F401,F403
from .reductions import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from . import special  # noqa: F401,E402 (SciPy's special functions: rows of unary's and arithmetic's factories)
from . import decompositions  # noqa: F401,E402 (svd, qr, pinv: the decompositions behind numpy.linalg)
from . import special_extra  # noqa: F401,E402 (more of them: Fresnel, sine/cosine integrals, hypergeometric)
from . import matfun  # noqa: F401,E402 (scipy.linalg kernels: solve_triangular, lu, expm)
