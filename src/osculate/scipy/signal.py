"""``osculate.scipy.signal``: :mod:`scipy.signal` on traced values.

The public name of :mod:`osculate.ad.scipy.signal` (see there); everything is
re-exported from it.
"""

from ..ad.scipy.signal import *  # noqa: F401,F403
from ..ad.scipy.signal import __all__  # noqa: F401
