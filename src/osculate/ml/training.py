"""A minibatch training loop for the common case.

:func:`train` shuffles the data into minibatches every epoch
(:func:`osculate.ml.data.batches`), takes ``osc.value_and_grad(loss)(params,
batch)`` on each and lets an optimiser (a name, or any
:class:`~osculate.ml.optimizers.Optimizer`) update the parameters, with a
progress bar when tqdm is installed.  It returns a :class:`TrainResult`: the
parameters and a history with one record per epoch (mean training loss,
metrics on the training and test data, wall time).

Public API
----------
train(loss, params, data, method="adam", epochs=10, batch_size=64, seed=0, test_data=None,
      metrics=None, progress=True, callback=None, **options) -> TrainResult
TrainResult(params, history, status, message, optimizer, state)
"""

from __future__ import annotations

import dataclasses
import inspect
import time
import warnings
from typing import Any

import numpy as np

from ..ad.transforms import value_and_grad
from ..ad.tree import describe, tree_flatten
from .data import _check_batch_size, _check_data, accuracy, batches, mlp_loss
from .optimizers import OPTIMIZERS, Optimizer, apply_updates
from .second_order import SECOND_ORDER_OPTIMIZERS

try:  # an optional dependency (the ``cli`` extra): no progress bar without it
    from tqdm import tqdm as _tqdm
except ImportError:  # pragma: no cover - exercised only where tqdm is missing
    _tqdm = None

__all__ = ["train", "TrainResult"]

#: The methods :func:`train` accepts by name: ``{name: factory}``.  A factory
#: whose first parameter is called ``loss`` is given the training loss as its
#: first argument (the curvature methods: ``adahessian(loss, ...)``); the
#: others get only ``**options``.
_FACTORIES = {**OPTIMIZERS, **SECOND_ORDER_OPTIMIZERS}

#: ``TrainResult.status`` values.
COMPLETED, NON_FINITE, STOPPED = "completed", "non-finite", "stopped"


@dataclasses.dataclass
class TrainResult:
    """What :func:`train` returns.

    ``params``: the trained parameters (after a non-finite value, the last
    ones at which the minibatch loss was finite, before the failing step;
    ``state`` matches them).  ``history``: one dict
    per completed epoch with ``epoch`` (from 1), ``loss`` (the mean of the
    minibatch losses over the epoch), ``steps``, ``time`` (wall seconds of the
    epoch's optimisation, evaluation excluded) and ``wall_time`` (their
    running sum), each metric on the training data (e.g. ``accuracy``) and,
    with test data, ``test_loss`` and ``test_<metric>``.  ``status``:
    ``"completed"``, ``"non-finite"`` (a loss, gradient or step was NaN or
    infinite: training stopped there, ``message`` says where) or
    ``"stopped"`` (the callback asked).  ``optimizer`` and ``state`` allow
    training to be resumed.

    >>> import numpy as np
    >>> from osculate.ml.training import train
    >>> loss = lambda p, batch: np.mean((batch[0] @ p["w"] - batch[1]) ** 2)
    >>> X = np.random.default_rng(0).normal(size=(100, 2))
    >>> result = train(loss, {"w": np.zeros(2)}, (X, X @ np.array([1.0, -2.0])), method="sgd", lr=0.1,
    ...                epochs=20, batch_size=10, progress=False)
    >>> result.status, np.round(result.params["w"], 6), len(result.column("loss"))
    ('completed', array([ 1., -2.]), 20)
    """

    params: Any
    history: list
    status: str
    message: str
    optimizer: Optimizer
    state: Any

    @property
    def ok(self):
        """Whether training ran without a non-finite value."""
        return self.status != NON_FINITE

    def column(self, key):
        """``[record[key] for record in history]`` (``None`` where absent)."""
        return [record.get(key) for record in self.history]

    def __repr__(self):
        last = self.history[-1] if self.history else {}
        shown = ", ".join(f"{k}={v:.4g}" for k, v in last.items()
                          if k not in ("epoch", "steps") and isinstance(v, float))
        return (f"TrainResult(method={self.optimizer.name!r}, status={self.status!r}, "
                f"epochs={len(self.history)}" + (f", {shown}" if shown else "") + ")")


def _takes_loss(factory):
    try:
        parameters = list(inspect.signature(factory).parameters)
    except (TypeError, ValueError):
        return False
    return bool(parameters) and parameters[0] == "loss"


def _optimizer(method, loss, options):
    if isinstance(method, Optimizer):
        if options:
            raise TypeError(f"train: the options {sorted(options)} are for a method given by name; "
                            f"method is already an Optimizer ({method!r}): set them in its factory")
        return method
    if not isinstance(method, str) or method not in _FACTORIES:
        raise ValueError(f"train: unknown method {method!r}; valid names are {sorted(_FACTORIES)} "
                         "(or pass an Optimizer)")
    factory = _FACTORIES[method]
    args = (loss,) if _takes_loss(factory) else ()
    try:
        inspect.signature(factory).bind(*args, **options)
    except TypeError as exc:
        accepted = [p for p in inspect.signature(factory).parameters if p != "loss"]
        raise TypeError(f"train: bad options for method {method!r} ({exc}); it accepts {accepted}") from None
    return factory(*args, **options)


def _check_metrics(metrics, loss):
    if metrics is None:
        return {"accuracy": accuracy} if loss is mlp_loss else {}
    if not isinstance(metrics, dict) or not all(isinstance(k, str) and callable(f) for k, f in metrics.items()):
        raise TypeError("train: metrics must be a dict {name: fn(params, *data)}, e.g. "
                        "{'accuracy': osculate.ml.data.accuracy}")
    reserved = {"epoch", "loss", "steps", "time", "wall_time"}
    clash = sorted(k for k in metrics if k in reserved or k.startswith("test_"))
    if clash:
        raise ValueError(f"train: metric names {clash} clash with the history's own keys")
    return dict(metrics)


def _all_finite(tree):
    return all(np.all(np.isfinite(np.asarray(a))) for a in tree_flatten(tree)[0])


def _progress(enabled, total, desc):
    if not enabled or _tqdm is None:
        return None
    return _tqdm(total=total, desc=desc, leave=False)


def train(loss, params, data, method="adam", epochs=10, batch_size=64, seed=0, test_data=None, metrics=None,
          progress=True, callback=None, **options):
    """Minimise ``loss(params, batch)`` over minibatches of ``data``.

    ``data`` (and ``test_data``) is a tuple of arrays sharing their first
    dimension, such as ``(X, y)``; a minibatch is a tuple of the same form.
    Every epoch visits all rows once in an order fixed by ``seed`` and the
    epoch (``batches(data, batch_size, seed, epoch - 1)``), so runs are
    reproducible.  ``method`` is an optimiser name (``"sgd"``, ``"adam"``,
    ``"adamw"``, ``"adahessian"``, ``"shampoo"``...; ``**options`` go to its
    factory, and a curvature method receives ``loss``) or an
    :class:`~osculate.ml.optimizers.Optimizer`.

    ``metrics`` is ``{name: fn(params, *data)}``, evaluated after each epoch
    on the training data (as ``name``) and on ``test_data`` (as
    ``test_name``, next to ``test_loss = loss(params, test_data)``); by
    default it is ``{"accuracy": accuracy}`` when ``loss`` is
    :func:`~osculate.ml.data.mlp_loss`, else empty.  ``callback(record,
    params, state)`` is called after each epoch; returning True stops
    training.  ``progress`` shows a tqdm bar over the minibatches when tqdm
    is installed (none otherwise).

    A NaN or infinite loss, gradient or step stops training: the result has
    ``status == "non-finite"``, a ``message`` saying where, and a
    ``RuntimeWarning`` is issued.

    >>> from osculate.ml.data import load_digits_split, init_mlp, mlp_loss
    >>> from osculate.ml.training import train
    >>> X, y, X_test, y_test = load_digits_split()
    >>> result = train(mlp_loss, init_mlp((64, 32, 10), seed=0), (X, y), method="adam", lr=1e-2,
    ...                epochs=3, test_data=(X_test, y_test), progress=False)
    >>> result.status, [round(r["loss"], 3) for r in result.history]
    ('completed', [1.44, 0.516, 0.298])
    >>> round(result.history[-1]["test_accuracy"], 3), sorted(result.history[-1])
    (0.951, ['accuracy', 'epoch', 'loss', 'steps', 'test_accuracy', 'test_loss', 'time', 'wall_time'])
    """
    if not callable(loss):
        raise TypeError(f"train: loss must be a function loss(params, batch), got {describe(loss)}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"train: epochs must be a non-negative integer, got {epochs!r}")
    batch_size = _check_batch_size(batch_size, "train")
    data = _check_data(data, "train")
    if test_data is not None:
        test_data = _check_data(test_data, "train (test_data)")
    metrics = _check_metrics(metrics, loss)
    if callback is not None and not callable(callback):
        raise TypeError(f"train: callback must be callable, got {describe(callback)}")
    opt = _optimizer(method, loss, options)
    if not tree_flatten(params)[0]:
        raise ValueError(f"train: params has no arrays ({describe(params)})")

    state = opt.init(params)
    step_fn = value_and_grad(loss)
    n_rows = data[0].shape[0]
    per_epoch = -(-n_rows // batch_size)
    bar = _progress(progress, int(epochs) * per_epoch, opt.name)
    history, wall, status, message = [], 0.0, COMPLETED, f"completed {int(epochs)} epochs"
    last_good = (params, state)  # the latest parameters with a finite minibatch loss, and their state
    try:
        for epoch in range(1, int(epochs) + 1):
            start, losses = time.perf_counter(), []
            for step, batch in enumerate(batches(data, batch_size, seed, epoch - 1), start=1):
                value, grads = step_fn(params, batch)
                value = float(np.asarray(value))
                bad = None
                if not np.isfinite(value):
                    bad = f"loss ({value})"
                    params, state = last_good
                elif not _all_finite(grads):
                    bad = "gradient"
                else:
                    updates, new_state = opt.update(grads, state, params, batch=batch)
                    if not _all_finite(updates):
                        bad = "step"
                if bad is not None:
                    status = NON_FINITE
                    message = (f"non-finite {bad} at epoch {epoch}, step {step} of {per_epoch}; training "
                               "stopped there (params are the last ones with a finite loss)")
                    break
                last_good = (params, state)
                params, state = apply_updates(params, updates), new_state
                losses.append(value)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(epoch=epoch, loss=f"{value:.4g}", refresh=False)
            if status == NON_FINITE:
                break
            elapsed = time.perf_counter() - start
            wall += elapsed
            record = {"epoch": epoch, "loss": float(np.mean(losses)), "steps": len(losses),
                      "time": elapsed, "wall_time": wall}
            for name, fn in metrics.items():
                record[name] = float(fn(params, *data))
            if test_data is not None:
                record["test_loss"] = float(np.asarray(loss(params, test_data)))
                for name, fn in metrics.items():
                    record[f"test_{name}"] = float(fn(params, *test_data))
            history.append(record)
            if callback is not None and callback(record, params, state):
                status, message = STOPPED, f"stopped by the callback after epoch {epoch}"
                break
    finally:
        if bar is not None:
            bar.close()
    if status == NON_FINITE:
        warnings.warn(f"train ({opt.name}): {message}", RuntimeWarning, stacklevel=2)
    return TrainResult(params, history, status, message, opt, state)
