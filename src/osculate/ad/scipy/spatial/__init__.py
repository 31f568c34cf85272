"""``scipy.spatial`` on traced values: :mod:`.distance`."""

from . import distance  # noqa: F401

__all__ = ["distance"]
