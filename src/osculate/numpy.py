"""``osculate.numpy``: NumPy's functions, accepting traced values.

The public name of the engine's traced namespace, :mod:`osculate.ad.numpy`
(see there); everything is re-exported from it, ``linalg`` included.

>>> import numpy as np, osculate as osc, osculate.numpy as osc_np
>>> float(osc.grad(lambda x: osc_np.logsumexp(x))(np.zeros(2))[0])
0.5
"""

from .ad.numpy import *  # noqa: F401,F403
from .ad.numpy import __all__  # noqa: F401
