"""``osculate.scipy.spatial.distance``: :mod:`scipy.spatial.distance` on traced values.

The public name of :mod:`osculate.ad.scipy.spatial.distance` (see there);
everything is re-exported from it.
"""

from ...ad.scipy.spatial.distance import *  # noqa: F401,F403
from ...ad.scipy.spatial.distance import __all__  # noqa: F401
