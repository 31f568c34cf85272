"""SciPy on traced values: the engine side of ``osculate.scipy``.

SciPy's ufuncs (most of :mod:`scipy.special`) need nothing from here: called
on a tracer they reach osculate through ``__array_ufunc__``.  Everything else
in SciPy converts its input with ``np.asarray`` and so cannot see a tracer;
these modules give the same functions, with SciPy's signatures, written with
osculate's primitives:

* :mod:`.special`: ``logsumexp``, ``softmax``, ``log_softmax``, ``polygamma``,
  ``multigammaln`` and every special-function primitive;
* :mod:`.linalg`: ``cho_factor``/``cho_solve``, ``solve_triangular``,
  ``lu_factor``/``lu_solve``, ``solve``, ``expm``, ``logm``, ``sqrtm``...;
* :mod:`.stats`: the distributions' ``logpdf``/``cdf``/... with SciPy's
  signatures and differentiable parameters;
* :mod:`.spatial.distance`: ``pdist``, ``cdist``, ``squareform``;
* :mod:`.fft`: the discrete Fourier transforms with SciPy's signatures;
* :mod:`.integrate`: ``trapezoid``, ``simpson``, ``romb`` and their cumulative
  forms on samples, ``quad``, ``quad_vec``, ``fixed_quad``, ``dblquad``,
  ``tplquad`` and ``nquad`` on functions;
* :mod:`.interpolate`: ``CubicSpline``, ``interp1d``, ``make_interp_spline``
  and ``BSpline``, ``PchipInterpolator``, ``Akima1DInterpolator``,
  ``RegularGridInterpolator``/``interpn``;
* :mod:`.signal`: ``convolve``, ``correlate``, ``fftconvolve``, ``lfilter``,
  ``filtfilt``, ``sosfilt``, ``sosfiltfilt``, ``hilbert``, ``savgol_filter``,
  ``detrend``...;
* :mod:`.ndimage`: the linear filters ``correlate1d``/``convolve1d``,
  ``correlate``/``convolve``, ``gaussian_filter(1d)``, ``uniform_filter(1d)``,
  ``sobel``, ``laplace``, ``gaussian_laplace``..., and the rank filters
  (``median_filter``, ``maximum_filter``...), with every boundary mode.

The plain SciPy call on a tracer fails with an error naming the function here.
"""

from . import fft, integrate, interpolate, linalg, ndimage, signal, spatial, special, stats  # noqa: F401

__all__ = ["fft", "integrate", "interpolate", "linalg", "ndimage", "signal", "spatial", "special", "stats"]
