"""``osc.FiniteSum`` and ``osc.stats``: sums over chunks of data, in memory.

Every oracle is checked against the same quantity computed by osculate's
transforms on the whole data set at once; the solvers against their runs
on the plain function; the standard errors against statsmodels and SciPy.
The Dask side is ``test_finite_sum_dask.py``.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
import statsmodels.api as sm

import osculate as osc

RNG = np.random.default_rng(20)
N, P = 3000, 4
X = RNG.normal(size=(N, P))
THETA_TRUE = np.array([0.8, -1.2, 0.5, 0.1])
Y = (RNG.random(N) < 1 / (1 + np.exp(-X @ THETA_TRUE))).astype(float)


def logistic_rows(theta, chunk):
    Xc, yc = chunk
    z = Xc @ theta
    return np.logaddexp(0.0, z) - yc * z


def logistic_total(theta):
    return np.sum(logistic_rows(theta, (X, Y)))


def close(a, b, rtol=1e-10):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    assert np.max(np.abs(a - b)) <= rtol * max(1.0, np.max(np.abs(b))), np.max(np.abs(a - b))


@pytest.fixture(scope="module")
def fs():
    return osc.FiniteSum(logistic_rows, (X, Y), chunk_rows=700)


THETA = np.array([0.3, -0.2, 0.1, 0.05])


def test_partitions(fs):
    assert fs.npartitions == 5 and fs.rows == N
    assert not fs.distributed


def test_oracles_equal_whole_data(fs):
    close(fs.value(THETA), logistic_total(THETA))
    close(fs.gradient(THETA), osc.grad(logistic_total)(THETA))
    H = osc.hessian(logistic_total)(THETA)
    close(fs.hessian(THETA), H)
    V = RNG.normal(size=(P, 3))
    close(fs.hvp_block(THETA, V), H @ V)
    close(fs.hvp(THETA, V[:, 0]), H @ V[:, 0])
    B, count = fs.scores(THETA)
    S = osc.jacfwd(lambda t: logistic_rows(t, (X, Y)))(THETA)
    assert count == N
    close(B, S.T @ S)


def test_chunking_does_not_change_the_sum():
    values = [osc.FiniteSum(logistic_rows, (X, Y), chunk_rows=c).value_and_grad(THETA) for c in (N, 1000, 128)]
    for f, g in values[1:]:
        close(f, values[0][0], 1e-12)
        close(g, values[0][1], 1e-12)


def test_pytree_data_and_scalar_terms():
    data = {"X": X, "y": Y}
    total = osc.FiniteSum(lambda t, d: np.sum(logistic_rows(t, (d["X"], d["y"]))), data, chunk_rows=1000)
    close(total.gradient(THETA), osc.grad(logistic_total)(THETA))
    B, count = total.scores(THETA)  # one score per chunk
    assert count == 3
    grads = [osc.grad(lambda t: np.sum(logistic_rows(t, (X[i:i + 1000], Y[i:i + 1000]))))(THETA)
             for i in range(0, N, 1000)]
    close(B, sum(np.outer(g, g) for g in grads))


def test_pandas_frame_is_a_dict_of_columns():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": Y})
    fs = osc.FiniteSum(lambda t, d: logistic_rows(t, (np.column_stack([d["a"], d["b"]]), d["y"])), frame,
                       chunk_rows=1000)
    close(fs.gradient(THETA[:2]), osc.grad(lambda t: np.sum(logistic_rows(t, (X[:, :2], Y))))(THETA[:2]))


def test_round_trips_and_cache(fs):
    fs.round_trips = 0
    t = THETA + 1.0
    fs.value_and_grad(t)
    fs.value(t)
    fs.gradient(t)
    assert fs.round_trips == 1


@pytest.mark.parametrize("method", ["newton", "trust-ncg", "newton-cg", "trust-krylov", "trust-exact", "lbfgs", "bfgs"])
def test_minimize_methods(fs, method):
    ref = osc.minimize(logistic_total, np.zeros(P), method=method)
    res = osc.minimize(fs, np.zeros(P), method=method)
    assert res.success, res.message
    close(res.x, ref.x, 1e-8)
    assert res.nit == ref.nit


def test_newton_fetches_hessian_with_gradient():
    fs = osc.FiniteSum(logistic_rows, (X, Y), chunk_rows=1000)
    res = osc.minimize(fs, np.zeros(P), method="newton", check_curvature=False)
    # x0's gradient and Hessian, then per iteration one value at the trial point and one
    # value+gradient+Hessian at the accepted point
    assert fs.round_trips <= 2 * res.nit + 3, (fs.round_trips, res.nit)


T = np.linspace(0, 5, 4000)
YT = 2.5 * np.exp(-0.6 * T) + 0.3 + 0.02 * RNG.normal(size=T.size)


def decay(b, d):
    t, y = d
    return y - (b[0] * np.exp(-b[1] * t) + b[2])


@pytest.mark.parametrize("method", ["lm", "gauss-newton"])
def test_least_squares_normal_equations(method):
    fs = osc.FiniteSum(decay, (T, YT), residuals=True, chunk_rows=900)
    ref = osc.least_squares(lambda b: decay(b, (T, YT)), np.ones(3), method=method)
    res = osc.least_squares(fs, np.ones(3), method=method)
    assert res.success and ref.success
    close(res.x, ref.x, 1e-8)
    close(res.cost, ref.cost, 1e-10)
    assert res.fun is None and res.jtj.shape == (3, 3) and res.round_trips > 0
    cost, JTJ, JTr = fs.gauss_newton(res.x)
    J = osc.jacfwd(lambda b: decay(b, (T, YT)))(res.x)
    close(JTJ, J.T @ J)
    assert fs.residual_count == T.size
    V = RNG.normal(size=(3, 2))
    close(fs.gn_product(res.x, V), J.T @ (J @ V))


def test_mle_matches_statsmodels():
    fit = osc.stats.mle(logistic_rows, np.zeros(P), (X, Y), chunk_rows=700)
    ref = sm.Logit(Y, X).fit(disp=0)
    robust = sm.Logit(Y, X).fit(disp=0, cov_type="HC0")
    close(fit.params, ref.params, 1e-7)
    close(fit.se, ref.bse, 1e-6)
    close(fit.robust_se, robust.bse, 1e-6)
    assert fit.robust_kind == "rows" and fit.nobs == N
    assert "robust se" in fit.summary(["a", "b", "c", "d"])


def test_nls_matches_statsmodels_and_curve_fit():
    A = np.column_stack([np.ones(T.size), T])
    lin = osc.stats.nls(lambda b, d: d[1] - d[0] @ b, np.zeros(2), (A, YT), chunk_rows=1000,
                        method="gauss-newton")  # one exact step on a linear model
    ols = sm.OLS(YT, A).fit()
    hc0 = sm.OLS(YT, A).fit(cov_type="HC0")
    close(lin.params, ols.params, 1e-9)
    close(lin.se, ols.bse, 1e-8)
    close(lin.robust_se, hc0.bse, 1e-8)
    close(lin.scale, ols.scale, 1e-9)
    fit = osc.stats.nls(decay, np.ones(3), (T, YT))
    popt, pcov = scipy.optimize.curve_fit(lambda t, a, k, c: a * np.exp(-k * t) + c, T, YT, p0=np.ones(3))
    close(fit.params, popt, 1e-6)
    close(fit.cov, pcov, 1e-5)


def test_nan_policy():
    Xn = X.copy()
    Xn[1500, 2] = np.nan
    with pytest.raises(ValueError, match=r"partition 2: 1 row\(s\) contain NaN \(first: row 100"):
        osc.FiniteSum(logistic_rows, (Xn, Y), chunk_rows=700)
    fs = osc.FiniteSum(logistic_rows, (Xn, Y), chunk_rows=700, nan_policy="drop")
    keep = np.arange(N) != 1500
    assert fs.rows == N - 1
    close(fs.value(THETA), np.sum(logistic_rows(THETA, (X[keep], Y[keep]))))
    with pytest.raises(ValueError, match="nan_policy must be one of"):
        osc.FiniteSum(logistic_rows, (X, Y), nan_policy="ignore")


def test_bad_partitions():
    parts = [(X[:10], Y[:10]), (X[10:20, :3], Y[10:20])]
    with pytest.raises(ValueError, match=r"partition 1 has leaves of trailing shapes \[\(3,\), \(\)\]"):
        osc.FiniteSum.from_partitions(logistic_rows, parts)
    with pytest.raises(ValueError, match="partition 1 has the structure"):
        osc.FiniteSum.from_partitions(logistic_rows, [(X[:10], Y[:10]), {"X": X[:10]}])
    with pytest.raises(ValueError, match=r"partition 0: the data leaves have different numbers of rows \[9, 10\]"):
        osc.FiniteSum.from_partitions(logistic_rows, [(X[:10], Y[:9])])
    empty = [(X[:10], Y[:10]), (X[:0], Y[:0])]
    with pytest.raises(ValueError, match=r"partition 1 is empty \(0 rows\); pass empty='skip'"):
        osc.FiniteSum.from_partitions(logistic_rows, empty)
    fs = osc.FiniteSum.from_partitions(logistic_rows, empty, empty="skip")
    close(fs.value(THETA), np.sum(logistic_rows(THETA, (X[:10], Y[:10]))))
    with pytest.raises(ValueError, match="different numbers of rows"):
        osc.FiniteSum(logistic_rows, (X, Y[:-1]))
    with pytest.raises(ValueError, match="a data leaf is a scalar; every leaf needs a first axis of rows"):
        osc.FiniteSum(logistic_rows, (X, 3.0))
    with pytest.raises(ValueError, match="the data has no rows"):
        osc.FiniteSum(logistic_rows, (X[:0], Y[:0]))


def test_bad_theta(fs):
    with pytest.raises(ValueError, match=r"theta must be a 1-D parameter array, got shape \(4, 1\)"):
        fs.value(THETA.reshape(4, 1))
    fs.value(THETA)
    with pytest.raises(ValueError, match="theta has 3 entries; this finite sum was first evaluated with 4"):
        fs.gradient(THETA[:3])
    fresh = osc.FiniteSum(logistic_rows, (X, Y))
    with pytest.raises(ValueError, match=r"fn failed on partition 0 \(theta of shape \(3,\)\)"):
        fresh.value(THETA[:3])
    with pytest.raises(ValueError, match=r"V must have shape \(4, k\)"):
        fs.hvp_block(THETA, np.ones((3, 2)))


def test_bad_arguments():
    with pytest.raises(TypeError, match="fn must be callable"):
        osc.FiniteSum(None, X)
    with pytest.raises(ValueError, match="chunk_rows must be a positive integer"):
        osc.FiniteSum(logistic_rows, (X, Y), chunk_rows=0)
    with pytest.raises(TypeError, match="scheduler must be None, 'local' or a dask.distributed.Client"):
        osc.FiniteSum(logistic_rows, (X, Y), scheduler="threads")
    fs = osc.FiniteSum(logistic_rows, (X, Y))
    with pytest.raises(ValueError, match=r"gauss_newton needs a sum of squares: FiniteSum\(\.\.\., residuals=True\)"):
        fs.gauss_newton(THETA)
    with pytest.raises(ValueError, match="this fit needs a FiniteSum with residuals=True"):
        osc.stats.nls(fs, THETA)
    with pytest.raises(ValueError, match="a FiniteSum carries its own derivatives and data"):
        osc.least_squares(osc.FiniteSum(decay, (T, YT), residuals=True), np.ones(3), args=(1,))


def test_singular_fit_is_reported():
    Xs = np.column_stack([X[:, :2], X[:, 0]])  # a repeated column: not identified
    with pytest.raises(np.linalg.LinAlgError, match="not identified"):
        osc.stats.covariance(osc.FiniteSum(logistic_rows, (Xs, Y)), np.zeros(3))


def test_complex_values_are_refused():
    fs = osc.FiniteSum(lambda t, x: x * (1j + t[0]), np.ones(3))
    with pytest.raises(ValueError, match="partition 0: fn returned complex values; a finite sum is real"):
        fs.value(np.zeros(1))


def test_nan_in_values_propagates():
    fs = osc.FiniteSum(lambda t, x: np.log(x - t[0]), np.linspace(1, 2, 50))
    assert np.isnan(fs.value(np.array([5.0])))
