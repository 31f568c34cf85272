"""``osculate.scipy.fft``: :mod:`scipy.fft` on traced values.

The public name of :mod:`osculate.ad.scipy.fft` (see there); everything is
re-exported from it.
"""

from ..ad.scipy.fft import *  # noqa: F401,F403
from ..ad.scipy.fft import __all__  # noqa: F401
