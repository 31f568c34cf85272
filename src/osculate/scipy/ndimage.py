"""``osculate.scipy.ndimage``: :mod:`scipy.ndimage` on traced values.

The public name of :mod:`osculate.ad.scipy.ndimage` (see there); everything is
re-exported from it.
"""

from ..ad.scipy.ndimage import *  # noqa: F401,F403
from ..ad.scipy.ndimage import __all__  # noqa: F401
