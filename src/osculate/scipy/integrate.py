"""``osculate.scipy.integrate``: :mod:`scipy.integrate` on traced values.

The public name of :mod:`osculate.ad.scipy.integrate` (see there); everything
is re-exported from it.
"""

from ..ad.scipy.integrate import *  # noqa: F401,F403
from ..ad.scipy.integrate import __all__  # noqa: F401
