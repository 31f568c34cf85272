"""``osculate.scipy.linalg``: :mod:`scipy.linalg` on traced values.

The public name of :mod:`osculate.ad.scipy.linalg` (see there); everything is
re-exported from it.
"""

from ..ad.scipy.linalg import *  # noqa: F401,F403
from ..ad.scipy.linalg import __all__  # noqa: F401
