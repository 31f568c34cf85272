"""``osculate.scipy.spatial``: :mod:`.distance`."""

from . import distance  # noqa: F401

__all__ = ["distance"]
