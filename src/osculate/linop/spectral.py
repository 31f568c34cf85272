"""Temporary: the old home of the spectral tools, kept only for the
modules that still import it (``analysis/model.py``, ``analysis/plotting.py``,
``tests/test_analysis.py``).  Import from :mod:`osculate.linop` instead; this
module goes once they do."""

from .density import SpectralDensity, spectral_density
from .eigen import EigenResult, eigenvalues

__all__ = ["EigenResult", "SpectralDensity", "eigenvalues", "spectral_density"]
