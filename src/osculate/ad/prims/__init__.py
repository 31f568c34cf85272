"""All primitives, grouped by family.  Each module defines a primitive and its
rules side by side; importing this package registers them all."""

from . import arithmetic, unary, structural, linalg  # noqa: F401
from .arithmetic import *  # noqa: F401,F403
from .unary import *  # noqa: F401,F403
from .structural import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
