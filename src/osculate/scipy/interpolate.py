"""``osculate.scipy.interpolate``: :mod:`scipy.interpolate` on traced values.

The public name of :mod:`osculate.ad.scipy.interpolate` (see there); everything
is re-exported from it.
"""

from ..ad.scipy.interpolate import *  # noqa: F401,F403
from ..ad.scipy.interpolate import __all__  # noqa: F401
