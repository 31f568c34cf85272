"""Functions with user rules, shared by the primitive tables
(``test_ad_primitives``, ``test_taylor``, ``test_batching``) and
``test_ad_transforms``: each becomes a primitive whose rules call user code
(``custom_jvp``, ``custom_vjp``, ``checkpoint``)."""

from __future__ import annotations

import numpy as np

import osculate as osc
import osculate.numpy as osc_np
from osculate.ad.tree import tree_leaves


@osc.custom_jvp
def softplus_rule(x):
    """``log(1 + eˣ)`` with its own forward rule (stable where naive AD of
    ``log1p(exp(x))`` gives nan, e.g. at ``x = 1000``)."""
    return np.logaddexp(0.0, x)


@softplus_rule.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus_rule(x), t * osc_np.expit(x)


@osc.custom_vjp
def cube_rule(x):
    """``x³`` with its own reverse rule."""
    return x * x * x


cube_rule.defvjp(lambda x: (x * x * x, x), lambda x, ct: (3.0 * x * x * ct,))

#: ``tanh(1.5 tanh(x))``, recomputed in the backward pass.
tanh_layer = osc.checkpoint(lambda x: np.tanh(np.tanh(x) * 1.5))


def assert_trees_close(got, want, rtol, atol):
    """Same number of leaves, same shapes, values within ``rtol``/``atol``."""
    lg, lw = tree_leaves(got), tree_leaves(want)
    assert len(lg) == len(lw)
    for g, w in zip(lg, lw):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=rtol, atol=atol)
