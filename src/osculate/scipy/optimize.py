"""``osculate.scipy.optimize``: :mod:`scipy.optimize`'s solvers inside a differentiated model.

The public name of :mod:`osculate.ad.scipy.optimize` (see there); everything is
re-exported from it.
"""

from ..ad.scipy.optimize import *  # noqa: F401,F403
from ..ad.scipy.optimize import __all__  # noqa: F401
