"""``scipy.stats`` distributions on traced values, with SciPy's signatures.

``scipy.stats.norm.logpdf(x)`` converts ``x`` with ``np.asarray`` and so
cannot see a tracer; the distributions here take the same arguments
(``norm.logpdf(x, loc=0, scale=1)``, ``t.cdf(x, df, loc=0, scale=1)``,
``poisson.logpmf(k, mu)``...) and are written with osculate's primitives, so
``x``, ``loc``, ``scale`` and the shape parameters are all differentiable, to
any order, under every transformation.  They follow SciPy's conventions:
arguments broadcast; outside the support ``logpdf`` is ``-inf``, ``pdf`` and
``cdf`` are 0 or 1; invalid parameters (``scale <= 0``, a probability outside
[0, 1]...) and ``q`` outside [0, 1] give NaN, without warnings.  Calling a
distribution freezes it: ``norm(loc, scale).logpdf(x)``.

Continuous (``logpdf pdf logcdf cdf logsf sf ppf isf``):

* classic (``_continuous``): ``norm``, ``t``, ``gamma``, ``beta``, ``chi2``,
  ``expon``, ``laplace``, ``logistic``, ``cauchy``, ``lognorm``, ``uniform``;
* on the half line (``_halfline``): ``weibull_min``, ``halfnorm``,
  ``rayleigh``, ``pareto``, ``lomax``, ``invgamma``, ``f``, ``chi``,
  ``maxwell``, ``halfcauchy``, ``halflogistic``, ``fisk``, ``burr12``,
  ``burr``, ``gompertz``, ``genpareto``, ``invgauss``, ``wald``,
  ``betaprime``, ``nakagami``, ``exponweib``, ``invweibull``, ``levy``,
  ``gengamma``, ``erlang``, ``loglaplace``, ``powerlognorm``,
  ``recipinvgauss``, ``fatiguelife``, ``foldnorm``, ``halfgennorm``,
  ``mielke``;
* on the real line (``_realline``): ``gumbel_r``, ``gumbel_l``,
  ``genextreme``, ``weibull_max``, ``hypsecant``, ``gennorm``, ``exponnorm``,
  ``johnsonsu``, ``loggamma``, ``dgamma``, ``dweibull``, ``genlogistic``,
  ``moyal``, ``laplace_asymmetric``, ``skewnorm``, ``crystalball``;
* on intervals (``_interval``): ``truncnorm``, ``triang``, ``trapezoid``,
  ``arcsine``, ``anglit``, ``semicircular``, ``cosine``, ``rdist``,
  ``bradford``, ``powerlaw``, ``johnsonsb``, ``loguniform``/``reciprocal``,
  ``truncexpon``, ``truncweibull_min``, ``argus``;
* others (``_more``): ``ncx2``, ``ncf``, ``nct``, ``rice``, ``gibrat``,
  ``levy_l``, ``exponpow``, ``kappa3``, ``skewcauchy``, ``genhalflogistic``,
  ``powernorm``, ``foldcauchy``, ``wrapcauchy``, ``truncpareto``;
* assorted (``_assorted``): ``vonmises``, ``vonmises_line``, ``pearson3``,
  ``genexpon``, ``alpha``, ``kappa4``, ``tukeylambda``, ``rel_breitwigner``,
  ``jf_skew_t``;
* by series and quadrature (``_series_quadrature``): ``kstwobign``,
  ``irwinhall``, and ``geninvgauss``, ``norminvgauss``, ``genhyperbolic``,
  ``gausshyper`` (their cdfs and sfs by adaptive quadrature of the density,
  placed on the values: no ``jit``/``vmap``).

Discrete (``logpmf pmf logcdf cdf logsf sf``, ``k`` integer-valued):
``poisson``, ``binom``, ``nbinom``, ``bernoulli``, ``geom``, ``betabinom``,
``hypergeom``, ``nhypergeom``, ``zipf``, ``zipfian``, ``logser``,
``dlaplace``, ``randint``, ``planck``, ``boltzmann``, ``yulesimon``,
``betanbinom``, ``skellam``; noncentral and others (``_discrete_noncentral``):
``poisson_binom``, ``nchypergeom_fisher``, ``nchypergeom_wallenius``.  Multivariate (``logpdf pdf``; ``logpmf pmf``
for counts): ``multivariate_normal`` and ``multivariate_t`` (by a Cholesky
factor), ``dirichlet``, ``wishart``, ``invwishart``, ``matrix_normal``,
``vonmises_fisher``, ``multinomial``, ``dirichlet_multinomial``, ``multivariate_hypergeom``,
``normal_inverse_gamma`` (``logpdf(x, s2, ...)``), ``matrix_t``.

The tails use the stable forms: ``norm.logcdf`` is ``log_ndtr``, ``logistic``
uses ``log_expit``, the t and beta cdfs are ``betainc``, the gamma, chi2 and
Poisson cdfs ``gammainc``/``gammaincc``, the binomial ones ``betainc``; where
SciPy itself loses digits in a far tail, osculate's value is checked against
mpmath instead.

Those special functions are differentiable in all their arguments, so the
cdfs are too in the shape parameters (gamma's ``a``, chi2's and t's ``df``,
beta's ``a``/``b``, nbinom's ``n``...).  Limits: a ``ppf``/``isf`` without a
closed form (gamma, chi2, t, beta, exponnorm, skewnorm, cosine, argus, invgauss,
wald, recipinvgauss, foldnorm, vonmises, rel_breitwigner, the isf of ncx2,
ncf, nct and rice...) starts from SciPy's inverse on the values and adds
Newton steps that carry the derivatives (exact to third order), as do the
cdf and density of ``tukeylambda`` (the inverse of its quantile function);
the cdfs of discrete distributions
with a finite support that are sums of the pmf need the values of the
counts.  Those need values, so they do not run under ``jit`` or ``vmap``
(the error says so).  The survival functions of ``ncx2``,
``ncf`` and ``rice`` are ``1 - cdf`` (``scipy.special`` has no complement of
``chndtr`` or ``ncfdtr``): accurate in absolute terms only where they are
below 1e-16.

>>> import numpy as np, osculate as osc
>>> from osculate.scipy import stats
>>> float(stats.norm.logpdf(0.0))
-0.9189385332046727
>>> float(osc.grad(lambda m: stats.norm.logpdf(1.0, loc=m, scale=2.0))(0.0))
0.25
"""

from __future__ import annotations

from . import (_assorted, _base, _continuous, _discrete, _discrete_noncentral, _halfline, _interval, _more, _multivariate,
               _realline, _series_quadrature)
from ._base import *  # noqa: F401,F403
from ._continuous import *  # noqa: F401,F403
from ._halfline import *  # noqa: F401,F403
from ._interval import *  # noqa: F401,F403
from ._realline import *  # noqa: F401,F403
from ._more import *  # noqa: F401,F403
from ._assorted import *  # noqa: F401,F403
from ._discrete import *  # noqa: F401,F403
from ._multivariate import *  # noqa: F401,F403
from ._series_quadrature import *  # noqa: F401,F403
from ._discrete_noncentral import *  # noqa: F401,F403

__all__ = (_continuous.__all__ + _halfline.__all__ + _interval.__all__ + _realline.__all__ + _more.__all__ + _assorted.__all__
           + _discrete.__all__
           + _multivariate.__all__ + _series_quadrature.__all__ + _discrete_noncentral.__all__ + _base.__all__)
