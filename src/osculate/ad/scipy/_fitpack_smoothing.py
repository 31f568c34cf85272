"""The plain-value side of FITPACK's smoothing splines (``splrep``, ``UnivariateSpline``).

FITPACK's ``curfit`` does two things with the data.  It *chooses knots*: for
``s = 0`` the data points themselves (or the midpoints between them, for an
even degree), for ``s > 0`` knots added one at a time at data points until a
least-squares fit comes within ``s``.  That choice is discrete, so it is a
piecewise-constant function of the data: osculate takes the knots SciPy picks
on the plain values and holds the choice fixed.  Then it *fits coefficients*
on those knots, and that part is smooth: either the weighted least-squares
spline (``s = 0``, an accepted least-squares fit, or the polynomial), linear
in ``y``, or, when the least-squares spline on the final knots would fit
better than ``s`` asks, the penalized fit

    minimize  sum((w * (y - B c)) ** 2) + lam * sum((D c) ** 2)

where the rows of ``D`` are the jumps of the ``k``-th derivative of the
B-splines at the interior knots, and ``lam`` is set so that the residual sum
``fp`` equals ``s``.  FITPACK does not return ``lam``; it is recovered here
from its coefficients (the normal equations ``(BᵀW²B + lam DᵀD) c = BᵀW²y``
leave one scalar unknown), and the traced side re-solves ``fp(lam) = fp₀``
as an implicit function, so ``lam`` moves with the data as FITPACK's
condition says it should.

Nothing here is traced: these helpers see NumPy arrays only.
"""

from __future__ import annotations

import numpy as np
from scipy import interpolate as _si

__all__ = ["fitpack_fit", "parametric_fit", "jump_matrix", "recover_lambda", "solve_lambda", "knot_sources"]


def fitpack_fit(kind, x, y, w, k, s, xb, xe, t=None):
    """SciPy's fit on plain values: ``(knots, coefficients (len(knots) - k - 1,), fp, ier, msg)``.

    ``kind`` is ``'splrep'`` (``task=0``, or ``task=-1`` with interior knots
    ``t``), ``'univariate'`` (:class:`scipy.interpolate.UnivariateSpline`) or
    ``'lsq'`` (:class:`scipy.interpolate.LSQUnivariateSpline`)."""
    if kind == "splrep":
        (knots, c, _), fp, ier, msg = _si.splrep(x, y, w=w, xb=xb, xe=xe, k=k, task=0 if t is None else -1, s=s,
                                                 t=t, full_output=1, quiet=1)
    elif kind == "make_splrep":
        spl = _si.make_splrep(x, y, w=w, xb=xb, xe=xe, k=k, s=s)
        knots, c = spl.t, spl.c
        fp, ier, msg = float(np.sum((w * (y - spl(x))) ** 2)), 0, ""
    else:
        bbox = [xb, xe]
        if kind == "univariate":
            spl = _si.UnivariateSpline(x, y, w=w, bbox=bbox, k=k, s=s)
        else:
            spl = _si.LSQUnivariateSpline(x, y, t, w=w, bbox=bbox, k=k)
        knots, c, _ = spl._eval_args
        fp, ier, msg = spl.get_residual(), 0, ""
    knots = np.asarray(knots, dtype=float)
    return knots, np.asarray(c, dtype=float)[:len(knots) - k - 1], float(fp), ier, msg


def parametric_fit(kind, x, w, u, ub, ue, k, s):
    """SciPy's parametric fit on plain values (``x`` of shape ``(idim, m)``):
    ``(knots, coefficients (len(knots) - k - 1, idim), fp, ier, msg, u)``.

    ``kind`` is ``'splprep'`` or ``'make_splprep'``; ``u`` None lets SciPy
    parametrise by chord length.  FITPACK's ``parcur`` fits every coordinate
    on the same knots with one penalty weight, so the coefficients' columns
    share the design matrix and ``lam``."""
    if kind == "splprep":
        (tck, u), fp, ier, msg = _si.splprep(x, w=w, u=u, ub=ub, ue=ue, k=k, s=s, full_output=1, quiet=1)
        knots, c = tck[0], tck[1]
        c = np.stack([np.asarray(ci, dtype=float) for ci in c], axis=1)
    else:
        spl, u = _si.make_splprep(x, w=w, u=u, ub=ub, ue=ue, k=k, s=s)
        c = np.asarray(spl.c, dtype=float)  # SciPy keeps the coefficients axis first whatever spl.axis
        knots = spl.t
        fp, ier, msg = float(np.sum((w * (x - spl(u))) ** 2)), 0, ""
    knots = np.asarray(knots, dtype=float)
    return knots, c[:len(knots) - k - 1], float(fp), ier, msg, np.asarray(u, dtype=float)


def jump_matrix(t, k):
    """``(interior knots, coefficients)``: row ``j`` holds the jump of the
    ``k``-th derivative of every B-spline at the interior knot ``t[k + 1 + j]``
    (the ``k``-th derivative is constant on each span; FITPACK's penalty is
    the sum of these jumps of the spline, squared)."""
    nc = len(t) - k - 1
    rows = []
    for i in range(k + 1, nc):
        left, right = 0.5 * (t[i - 1] + t[i]), 0.5 * (t[i] + t[i + 1])
        basis = _si.BSpline(t, np.eye(nc), k, extrapolate=False)
        rows.append(basis(right, nu=k) - basis(left, nu=k))
    return np.asarray(rows, dtype=float).reshape(len(rows), nc)


def recover_lambda(A, rhs, D, c):
    """The penalty weight ``lam`` behind FITPACK's coefficients ``c`` of the
    weighted design ``A`` (rows scaled by ``w``) and data ``rhs = w * y``, or
    None when ``c`` is the plain least-squares fit (no penalty).  ``rhs`` and
    ``c`` may have one column per coordinate of a curve (one ``lam`` for all)."""
    g = A.T @ rhs
    r = g - A.T @ (A @ c)
    if D.shape[0] == 0 or np.linalg.norm(r) <= 1e-9 * max(np.linalg.norm(g), np.finfo(float).tiny):
        return None
    v = D.T @ (D @ c)
    lam = float(np.vdot(v, r)) / float(np.vdot(v, v))
    return lam if lam > 0.0 else None


def _fit(A, rhs, P, lam):
    return np.linalg.solve(A.T @ A + lam * P, A.T @ rhs)


def solve_lambda(A, rhs, P, target, lam0, iterations=50):
    """The ``lam`` with ``fp(lam) = target`` on fixed knots, Newton's method in
    ``log lam`` from ``lam0`` (``fp`` rises with ``lam``).  At the data FITPACK
    saw it returns ``lam0`` polished to rounding; elsewhere it follows."""
    N, g = A.T @ A, A.T @ rhs
    lam = float(lam0)
    for _ in range(iterations):
        M = N + lam * P
        c = np.linalg.solve(M, g)
        res = rhs - A @ c
        fp = float(res @ res)
        dc = -np.linalg.solve(M, P @ c)  # d c / d lam
        dfp = -2.0 * float(res @ (A @ dc)) * lam  # d fp / d log lam
        if dfp <= 0.0:
            break
        step = (fp - target) / dfp
        lam *= float(np.exp(-np.clip(step, -5.0, 5.0)))
        if abs(step) < 1e-15:
            break
    return lam


def knot_sources(t, x, xb, xe):
    """Where each knot value comes from, so that the knots can follow the
    traced data: ``('x', i)`` a data point, ``('mid', i)`` the midpoint of
    ``x[i]`` and ``x[i + 1]`` (FITPACK's knots for even degrees), ``('b', 0)``
    / ``('e', 0)`` the interval's ends, ``('const', 0)`` anything else."""
    out = []
    mids = 0.5 * (x[1:] + x[:-1])
    for v in t:
        if v == xb:
            out.append(("b", 0))
        elif v == xe:
            out.append(("e", 0))
        elif np.any(x == v):
            out.append(("x", int(np.flatnonzero(x == v)[0])))
        elif np.any(mids == v):
            out.append(("mid", int(np.flatnonzero(mids == v)[0])))
        else:
            out.append(("const", 0))
    return out
