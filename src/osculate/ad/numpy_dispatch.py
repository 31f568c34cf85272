"""Routing plain NumPy calls on tracers to :mod:`osculate.numpy`.

``Tracer.__array_ufunc__`` and ``Tracer.__array_function__`` land here; so do
the Python operators, which are attached to :class:`~osculate.ad.core.Tracer`
at the bottom of this module.
"""

from __future__ import annotations

import numpy as np
from scipy import special as sp

from .. import numpy as onp
from .core import Tracer, UnsupportedFunctionError
from .prims import arithmetic as A, structural as S
from .prims.unary import UNARY

__all__ = ["dispatch_ufunc", "dispatch_function", "UnsupportedFunctionError"]


_UFUNCS = {}
for _name in (
    "add subtract multiply divide true_divide negative positive power float_power maximum minimum fmax fmin "
    "arctan2 hypot logaddexp exp expm1 exp2 log log1p log2 log10 sqrt cbrt square reciprocal "
    "absolute fabs sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh greater "
    "greater_equal less less_equal equal not_equal logical_and logical_or logical_xor logical_not sign "
    "floor ceil rint trunc floor_divide remainder mod fmod isnan isinf isfinite signbit matmul"
).split():
    _uf = getattr(np, _name)
    _UFUNCS[_uf] = getattr(onp, "abs" if _name == "absolute" else _name)
for _name in ("erf", "erfc", "expit", "gammaln", "digamma"):
    _UFUNCS[getattr(sp, _name)] = getattr(onp, _name)


_FAST = {np.add: A.add_p, np.subtract: A.sub_p, np.multiply: A.mul_p, np.true_divide: A.div_p,
         np.power: A.pow_p, np.negative: A.neg_p}
for _name, _p in UNARY.items():
    if _name != "polygamma" and hasattr(np, _name):
        _FAST[getattr(np, _name)] = _p


_BOOL_UFUNCS = {np.bitwise_and: "logical_and", np.bitwise_or: "logical_or", np.bitwise_xor: "logical_xor",
                np.invert: "logical_not"}


def dispatch_ufunc(ufunc, method, inputs, kwargs):
    if method == "__call__":
        if not kwargs:
            p = _FAST.get(ufunc)
            if p is not None:
                return p.bind(*inputs)
        fn = _UFUNCS.get(ufunc)
        if fn is None and ufunc in _BOOL_UFUNCS:
            if any(getattr(a, "dtype", np.dtype(bool)) != np.dtype(bool) for a in inputs):
                raise UnsupportedFunctionError(
                    f"NumPy ufunc '{ufunc.__name__}' is supported on traced values only for boolean masks"
                )
            fn = getattr(onp, _BOOL_UFUNCS[ufunc])
        if fn is None:
            raise UnsupportedFunctionError(
                f"NumPy ufunc '{ufunc.__name__}' is not supported on traced values by osculate "
                "(no differentiation rule is defined for it)"
            )
        return fn(*inputs, **kwargs)
    if method == "reduce" and ufunc in (np.add, np.multiply, np.maximum, np.minimum):
        red = {np.add: onp.sum, np.multiply: onp.prod, np.maximum: onp.max, np.minimum: onp.min}[ufunc]
        return red(inputs[0], axis=kwargs.get("axis", 0), keepdims=kwargs.get("keepdims", False))
    if method == "accumulate" and ufunc in (np.add, np.multiply):
        acc = onp.cumsum if ufunc is np.add else onp.cumprod
        return acc(inputs[0], axis=kwargs.get("axis", 0))
    if method == "at" and ufunc is np.add:
        raise UnsupportedFunctionError(
            "np.add.at mutates its argument in place, which cannot be traced; "
            "use osculate.numpy.add_at(x, idx, values) (functional) instead"
        )
    raise UnsupportedFunctionError(
        f"NumPy ufunc method '{ufunc.__name__}.{method}' is not supported on traced values by osculate"
    )


_FUNCTIONS = {}
_FUNCTION_NAMES = (
    "sum mean var std max min amax amin prod cumsum cumprod reshape ravel transpose moveaxis swapaxes "
    "expand_dims squeeze broadcast_to broadcast_arrays atleast_1d atleast_2d concatenate stack hstack vstack "
    "column_stack split array_split flip fliplr flipud roll take take_along_axis repeat tile diagonal diag "
    "trace triu tril dot vdot inner outer tensordot einsum kron where clip round around argmax argmin argsort "
    "sort zeros_like ones_like full_like empty_like shape ndim size copy result_type"
).split()
for _name in _FUNCTION_NAMES:
    if hasattr(np, _name):
        _FUNCTIONS[getattr(np, _name)] = getattr(onp, _name)
for _name in ("solve", "inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh", "norm"):
    _FUNCTIONS[getattr(np.linalg, _name)] = getattr(onp.linalg, _name)
_FUNCTIONS[np.asarray] = onp.asarray
_FUNCTIONS[np.array] = onp.array


def dispatch_function(func, args, kwargs):
    fn = _FUNCTIONS.get(func)
    if fn is None:
        name = getattr(func, "__module__", "numpy") + "." + getattr(func, "__name__", str(func))
        raise UnsupportedFunctionError(
            f"{name.replace('numpy.linalg._linalg', 'numpy.linalg').replace('numpy._core.fromnumeric', 'numpy')} "
            "is not supported on traced values by osculate; see osculate.numpy for the supported "
            "functions, or wrap your own code with osculate.custom_jvp / custom_vjp"
        )
    return fn(*args, **kwargs)


# --------------------------------------------------------------------------- operators on tracers


class _IndexUpdateHelper:
    """``x.at[idx].set(v)`` / ``.add(v)`` / ``.get()``: functional updates."""

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def __getitem__(self, idx):
        return _IndexUpdateRef(self.x, idx)


class _IndexUpdateRef:
    __slots__ = ("x", "idx")

    def __init__(self, x, idx):
        self.x = x
        self.idx = idx

    def set(self, value):
        return S.index_update(self.x, value, self.idx, "set")

    def add(self, value):
        return S.index_update(self.x, value, self.idx, "add")

    def multiply(self, value):
        return S.index_update(self.x, S.getitem(self.x, self.idx) * value, self.idx, "set")

    def get(self):
        return S.getitem(self.x, self.idx)


def _setitem(self, idx, value):
    new = S.index_update(self, value, idx, "set")
    if type(new) is not type(self) or new._trace is not self._trace:
        raise TypeError(
            "x[idx] = value cannot rebind this traced array because the value belongs to a more "
            "deeply nested transformation; write x = x.at[idx].set(value) instead"
        )
    for slot in type(self).__slots__:
        setattr(self, slot, getattr(new, slot))


def _install():
    T = Tracer
    # NumPy's protocols: plain NumPy calls on tracers land in the dispatchers above
    T.__array_ufunc__ = lambda s, ufunc, method, *inputs, **kwargs: dispatch_ufunc(ufunc, method, inputs, kwargs)
    T.__array_function__ = lambda s, func, types, args, kwargs: dispatch_function(func, args, kwargs)
    # arithmetic operators bind primitives directly (the hot path)
    T.__add__ = lambda s, o: A.add_p.bind(s, o)
    T.__radd__ = lambda s, o: A.add_p.bind(o, s)
    T.__sub__ = lambda s, o: A.sub_p.bind(s, o)
    T.__rsub__ = lambda s, o: A.sub_p.bind(o, s)
    T.__mul__ = lambda s, o: A.mul_p.bind(s, o)
    T.__rmul__ = lambda s, o: A.mul_p.bind(o, s)
    T.__truediv__ = lambda s, o: A.div_p.bind(s, o)
    T.__rtruediv__ = lambda s, o: A.div_p.bind(o, s)
    T.__pow__ = lambda s, o: A.pow_p.bind(s, o)
    T.__rpow__ = lambda s, o: A.pow_p.bind(o, s)
    T.__matmul__ = lambda s, o: onp.matmul(s, o)
    T.__rmatmul__ = lambda s, o: onp.matmul(o, s)
    T.__floordiv__ = lambda s, o: onp.floor_divide(s, o)
    T.__rfloordiv__ = lambda s, o: onp.floor_divide(o, s)
    T.__mod__ = lambda s, o: onp.remainder(s, o)
    T.__rmod__ = lambda s, o: onp.remainder(o, s)
    T.__neg__ = lambda s: A.neg_p.bind(s)
    T.__pos__ = lambda s: s
    T.__abs__ = lambda s: onp.abs(s)
    # on boolean masks the bitwise operators are the logical ones
    T.__and__ = T.__rand__ = lambda s, o: onp.logical_and(s, o)
    T.__or__ = T.__ror__ = lambda s, o: onp.logical_or(s, o)
    T.__xor__ = T.__rxor__ = lambda s, o: onp.logical_xor(s, o)
    T.__invert__ = lambda s: onp.logical_not(s)
    T.__lt__ = lambda s, o: onp.less(s, o)
    T.__le__ = lambda s, o: onp.less_equal(s, o)
    T.__gt__ = lambda s, o: onp.greater(s, o)
    T.__ge__ = lambda s, o: onp.greater_equal(s, o)
    T.__eq__ = lambda s, o: onp.equal(s, o)
    T.__ne__ = lambda s, o: onp.not_equal(s, o)
    T.__getitem__ = lambda s, idx: S.getitem(s, idx)
    T.__setitem__ = _setitem
    T.at = property(lambda s: _IndexUpdateHelper(s))
    T.T = property(lambda s: onp.transpose(s))
    T.mT = property(lambda s: onp.swapaxes(s, -1, -2))
    T.real = property(lambda s: s)
    T.conj = lambda s: s
    T.copy = lambda s: s
    T.sum = lambda s, axis=None, keepdims=False, **kw: onp.sum(s, axis=axis, keepdims=keepdims, **kw)
    T.mean = lambda s, axis=None, keepdims=False, **kw: onp.mean(s, axis=axis, keepdims=keepdims, **kw)
    T.var = lambda s, axis=None, ddof=0, keepdims=False: onp.var(s, axis=axis, ddof=ddof, keepdims=keepdims)
    T.std = lambda s, axis=None, ddof=0, keepdims=False: onp.std(s, axis=axis, ddof=ddof, keepdims=keepdims)
    T.prod = lambda s, axis=None, keepdims=False: onp.prod(s, axis=axis, keepdims=keepdims)
    T.max = lambda s, axis=None, keepdims=False: onp.max(s, axis=axis, keepdims=keepdims)
    T.min = lambda s, axis=None, keepdims=False: onp.min(s, axis=axis, keepdims=keepdims)
    T.argmax = lambda s, axis=None: onp.argmax(s, axis=axis)
    T.argmin = lambda s, axis=None: onp.argmin(s, axis=axis)
    T.cumsum = lambda s, axis=None: onp.cumsum(s, axis=axis)
    T.cumprod = lambda s, axis=None: onp.cumprod(s, axis=axis)
    T.reshape = lambda s, *shape, **kw: onp.reshape(s, shape[0] if len(shape) == 1 else shape, **kw)
    T.transpose = lambda s, *axes: onp.transpose(s, (axes[0] if len(axes) == 1 else axes) if axes else None)
    T.swapaxes = lambda s, a, b: onp.swapaxes(s, a, b)
    T.ravel = lambda s, order="C": onp.ravel(s)
    T.flatten = lambda s, order="C": onp.ravel(s)
    T.squeeze = lambda s, axis=None: onp.squeeze(s, axis)
    T.dot = lambda s, o: onp.dot(s, o)
    T.clip = lambda s, a_min=None, a_max=None: onp.clip(s, a_min, a_max)
    T.diagonal = lambda s, offset=0, axis1=0, axis2=1: onp.diagonal(s, offset, axis1, axis2)
    T.trace = lambda s, offset=0, axis1=0, axis2=1: onp.trace(s, offset, axis1, axis2)
    T.repeat = lambda s, repeats, axis=None: onp.repeat(s, repeats, axis)
    T.astype = lambda s, dtype, **kw: onp.astype(s, dtype)
    T.round = lambda s, decimals=0: onp.round(s, decimals)


_install()
