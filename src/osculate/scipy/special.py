"""``osculate.scipy.special``: :mod:`scipy.special` on traced values.

The public name of :mod:`osculate.ad.scipy.special` (see there); everything is
re-exported from it.
"""

from ..ad.scipy.special import *  # noqa: F401,F403
from ..ad.scipy.special import __all__  # noqa: F401
