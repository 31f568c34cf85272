"""``osculate.scipy.stats``: :mod:`scipy.stats` on traced values.

The public name of :mod:`osculate.ad.scipy.stats` (see there); everything is
re-exported from it.
"""

from ..ad.scipy.stats import *  # noqa: F401,F403
from ..ad.scipy.stats import __all__  # noqa: F401
