"""All primitives, grouped by family, in the order they build on each other:
``structural`` (linear data movement, sums, indexing), ``nondiff``
(piecewise-constant operations), ``unary`` (elementwise functions, one line
each), ``arithmetic`` (+ - * / **, where, maximum...), ``reductions`` (max,
min, prod, cumprod), ``linalg``, ``complex_parts`` (real, imag, conj) and
``fft``, then SciPy's special functions and the decompositions.  Each
module writes a primitive and all its rules as one block; importing this
package registers them all in :data:`osculate.ad.core.PRIMITIVES`."""

from . import structural, nondiff, unary, arithmetic, reductions, linalg  # noqa: F401
from .structural import *  # noqa: F401,F403
from .nondiff import *  # noqa: F401,F403
from .unary import *  # noqa: F401,F403
from .arithmetic import *  # noqa: F401,F403
from .reductions import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from . import complex_parts, fft  # noqa: F401,E402 (the parts of complex numbers; the Fourier transforms)
from .complex_parts import *  # noqa: F401,F403,E402
from . import special  # noqa: F401,E402 (SciPy's special functions: rows of unary's and arithmetic's factories)
from . import decompositions  # noqa: F401,E402 (svd, qr, pinv: the decompositions behind numpy.linalg)
from . import eig  # noqa: F401,E402 (the eigendecomposition of a general matrix)
from . import hypergeometric  # noqa: F401,E402 (hyp1f1, in every argument)
from . import special_extra  # noqa: F401,E402 (more of them: Fresnel, sine/cosine integrals, hypergeometric)
from . import special_poly  # noqa: F401,E402 (orthogonal polynomials: eval_legendre, eval_hermite...)
from . import special_misc  # noqa: F401,E402 (more special functions: Struve, Kelvin, Carlson, Voigt...)
from . import matfun  # noqa: F401,E402 (scipy.linalg kernels: solve_triangular, lu, expm)
from . import equations  # noqa: F401,E402 (matrix equations: Sylvester, Stein, Riccati)
from . import filters  # noqa: F401,E402 (scipy.ndimage's B-spline prefilter)
