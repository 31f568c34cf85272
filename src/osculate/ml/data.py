"""Data and a small model for the machine-learning examples: scikit-learn's
bundled digits, shuffled minibatches, and a plain-NumPy multilayer perceptron.

Nothing here is traced specially: :func:`mlp_loss` is ordinary NumPy code
(dense layers ``x @ W + b``, ``tanh`` hidden layers, softmax cross-entropy
averaged over the batch), which osculate's transforms differentiate like
any other function.  Parameters come in two interchangeable forms, both
pytrees:

* a dict ``{"W1": ..., "b1": ..., "W2": ..., "b2": ...}`` (layer ``i`` is
  ``W{i}``, ``b{i}``, numbered from 1);
* a list of ``(W, b)`` pairs, one per layer.

A batch is a tuple ``(X, y)``: ``X`` of shape ``(n, features)``, ``y`` the
integer class labels of shape ``(n,)``.

Public API
----------
load_digits_split(test_size=0.25, seed=0) -> (X_train, y_train, X_test, y_test)
batches(data, batch_size, seed=0, epoch=0, drop_last=False) -> iterator of tuples
init_mlp(sizes, seed=0, kind="dict") -> params
mlp_predict(params, X) -> logits;  mlp_loss(params, batch) -> mean cross-entropy
accuracy(params, X, y) -> float
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["load_digits_split", "batches", "init_mlp", "mlp_layers", "mlp_predict", "mlp_loss", "accuracy"]

_INSTALL_HINT = "pip install 'osculate[ml]'"


def _sklearn_digits():
    """``(load_digits, train_test_split)`` from scikit-learn, imported on first
    use: importing ``sklearn.datasets`` takes over a second, which
    ``import osculate`` should not pay (scikit-learn is an optional dependency,
    like matplotlib in ``osculate.analysis.plotting``)."""
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError as exc:
        raise ImportError(
            f"load_digits_split needs scikit-learn, which is not installed ({exc}); "
            f"install it with `{_INSTALL_HINT}`") from None
    return load_digits, train_test_split


def load_digits_split(test_size=0.25, seed=0):
    """scikit-learn's bundled 8×8 digits (1,797 images, 10 classes; shipped
    with scikit-learn, nothing is downloaded), split into train and test sets.

    Returns ``(X_train, y_train, X_test, y_test)``: float64 features of shape
    ``(n, 64)`` scaled to ``[0, 1]`` (pixel intensities divided by 16) and
    int64 labels.  The split is stratified by class and determined by
    ``seed``; ``test_size`` is a fraction in ``(0, 1)``.

    >>> from osculate.ml.data import load_digits_split
    >>> X_train, y_train, X_test, y_test = load_digits_split(test_size=0.25, seed=0)
    >>> X_train.shape, X_test.shape, float(X_train.min()), float(X_train.max())
    ((1347, 64), (450, 64), 0.0, 1.0)
    """
    if not (isinstance(test_size, (float, int)) and 0.0 < float(test_size) < 1.0):
        raise ValueError(f"load_digits_split: test_size must be a fraction in (0, 1), got {test_size!r}")
    load_digits, train_test_split = _sklearn_digits()
    digits = load_digits()
    X = np.asarray(digits.data, dtype=np.float64) / 16.0
    y = np.asarray(digits.target, dtype=np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=float(test_size), random_state=int(seed), stratify=y)
    return X_train, y_train, X_test, y_test


def batches(data, batch_size, seed=0, epoch=0, drop_last=False):
    """Yield shuffled minibatches of ``data``, a tuple of arrays sharing their
    first dimension (e.g. ``(X, y)``); each minibatch is a tuple of the same
    length.

    The order is a permutation drawn from ``numpy.random.default_rng([seed,
    epoch])``: the same ``seed`` and ``epoch`` always give the same batches,
    and successive epochs differ.  The last batch is shorter when ``batch_size``
    does not divide the number of rows, unless ``drop_last=True``.

    >>> import numpy as np
    >>> from osculate.ml.data import batches
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [b[1].tolist() for b in batches((X, y), 2, seed=0, epoch=0)]
    [[2, 4], [3, 0], [1]]
    >>> [len(b[1]) for b in batches((X, y), 2, seed=0, epoch=0, drop_last=True)]
    [2, 2]
    """
    arrays = _check_data(data, "batches")
    batch_size = _check_batch_size(batch_size, "batches")
    n = arrays[0].shape[0]
    order = np.random.default_rng([int(seed), int(epoch)]).permutation(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        idx = order[start:start + batch_size]
        yield tuple(a[idx] for a in arrays)


def _check_batch_size(batch_size, who):
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"{who}: batch_size must be a positive integer, got {batch_size!r}")
    return int(batch_size)


def _check_data(data, who):
    """``data`` as a tuple of arrays with a common first dimension."""
    if isinstance(data, np.ndarray) or not isinstance(data, (tuple, list)) or not data:
        raise TypeError(f"{who}: data must be a non-empty tuple of arrays such as (X, y), "
                        f"got {type(data).__name__}")
    arrays = tuple(np.asarray(a) for a in data)
    if any(a.ndim == 0 for a in arrays):
        raise ValueError(f"{who}: every array of data needs a first (example) dimension; "
                         f"got shapes {[a.shape for a in arrays]}")
    lengths = {a.shape[0] for a in arrays}
    if len(lengths) != 1:
        raise ValueError(f"{who}: the arrays of data must have the same number of rows, "
                         f"got shapes {[a.shape for a in arrays]}")
    if arrays[0].shape[0] == 0:
        raise ValueError(f"{who}: data has no rows")
    return arrays


def init_mlp(sizes, seed=0, kind="dict"):
    """Parameters of a multilayer perceptron with layer widths ``sizes``
    (input first, e.g. ``(64, 32, 10)``), Glorot-uniform weights (drawn from
    ``U(-a, a)`` with ``a = sqrt(6 / (fan_in + fan_out))``) and zero biases.

    ``kind="dict"`` gives ``{"W1", "b1", "W2", "b2", ...}``; ``kind="list"``
    gives ``[(W1, b1), (W2, b2), ...]`` with the same values for the same
    ``seed``.  ``W{i}`` has shape ``(sizes[i-1], sizes[i])``, as in ``x @ W + b``.

    >>> from osculate.ml.data import init_mlp
    >>> p = init_mlp((64, 32, 10), seed=0)
    >>> sorted(p), p["W1"].shape, p["b2"].shape
    (['W1', 'W2', 'b1', 'b2'], (64, 32), (10,))
    >>> q = init_mlp((64, 32, 10), seed=0, kind="list")
    >>> bool((q[0][0] == p["W1"]).all()), len(q)
    (True, 2)
    """
    try:
        sizes = [int(s) for s in sizes]
    except (TypeError, ValueError):
        raise TypeError(f"init_mlp: sizes must be a sequence of positive integers, got {sizes!r}") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"init_mlp: sizes needs at least two positive widths (input, ..., output), got {sizes}")
    if kind not in ("dict", "list"):
        raise ValueError(f"init_mlp: kind must be 'dict' or 'list', got {kind!r}")
    rng = np.random.default_rng(seed)
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        a = np.sqrt(6.0 / (fan_in + fan_out))
        layers.append((rng.uniform(-a, a, size=(fan_in, fan_out)), np.zeros(fan_out)))
    if kind == "list":
        return layers
    params = {}
    for i, (W, b) in enumerate(layers, start=1):
        params[f"W{i}"], params[f"b{i}"] = W, b
    return params


_KEY = re.compile(r"([Wb])([1-9][0-9]*)\Z")


def mlp_layers(params):
    """The layers of ``params`` (either form) as a list of ``(W, b)`` pairs,
    first layer first, with their shapes checked to chain.

    >>> from osculate.ml.data import init_mlp, mlp_layers
    >>> [W.shape for W, b in mlp_layers(init_mlp((4, 3, 2)))]
    [(4, 3), (3, 2)]
    """
    if isinstance(params, dict):
        found = {}
        for key in params:
            m = _KEY.match(key) if isinstance(key, str) else None
            if m is None:
                raise ValueError(f"mlp: a dict of parameters has keys 'W1', 'b1', 'W2', ...; got key {key!r}")
            found[(m.group(1), int(m.group(2)))] = params[key]
        n = len(found) // 2
        missing = [f"{k}{i}" for i in range(1, n + 1) for k in "Wb" if (k, i) not in found]
        if missing or len(found) % 2 or not found:
            raise ValueError(f"mlp: the dict of parameters must hold W1, b1, ..., Wn, bn; "
                             f"missing {missing or 'a weight or a bias'} (keys {sorted(params)})")
        layers = [(found[("W", i)], found[("b", i)]) for i in range(1, n + 1)]
    elif isinstance(params, (list, tuple)):
        layers = []
        for i, layer in enumerate(params, start=1):
            if not (isinstance(layer, (list, tuple)) and len(layer) == 2):
                raise ValueError(f"mlp: a list of parameters holds (W, b) pairs; layer {i} is "
                                 f"{type(layer).__name__}" + (f" of length {len(layer)}" if
                                                              isinstance(layer, (list, tuple)) else ""))
            layers.append(tuple(layer))
        if not layers:
            raise ValueError("mlp: the list of parameters is empty")
    else:
        raise TypeError(f"mlp: params must be a dict {{'W1', 'b1', ...}} or a list of (W, b) pairs, "
                        f"got {type(params).__name__}")
    for i, (W, b) in enumerate(layers, start=1):
        ws, bs = tuple(np.shape(W)), tuple(np.shape(b))
        if len(ws) != 2 or bs != ws[1:]:
            raise ValueError(f"mlp: layer {i} has W of shape {ws} and b of shape {bs}; "
                             f"expected W of shape (in, out) and b of shape (out,)")
        if i > 1 and ws[0] != np.shape(layers[i - 2][0])[1]:
            raise ValueError(f"mlp: layer {i} takes {ws[0]} inputs but layer {i - 1} has "
                             f"{np.shape(layers[i - 2][0])[1]} outputs")
    return layers


def mlp_predict(params, X):
    """The logits (unnormalised class scores) of the perceptron for inputs
    ``X`` of shape ``(n, features)``: ``tanh`` on every hidden layer, the last
    layer linear.  ``argmax`` over the last axis gives the predicted class.

    >>> import numpy as np
    >>> from osculate.ml.data import init_mlp, mlp_predict
    >>> mlp_predict(init_mlp((3, 4, 2), seed=0), np.ones((5, 3))).shape
    (5, 2)
    """
    layers = mlp_layers(params)
    if np.ndim(X) != 2 or np.shape(X)[1] != np.shape(layers[0][0])[0]:
        raise ValueError(f"mlp: the inputs X have shape {tuple(np.shape(X))} but the first layer "
                         f"takes {np.shape(layers[0][0])[0]} features: expected X of shape "
                         f"(n, {np.shape(layers[0][0])[0]})")
    h = X
    for W, b in layers[:-1]:
        h = np.tanh(h @ W + b)
    W, b = layers[-1]
    return h @ W + b


def _one_hot(y, classes, who):
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{who}: the labels y must be a 1-D integer array, got "
                         f"{y.dtype} of shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= classes):
        raise ValueError(f"{who}: labels must lie in [0, {classes}) for a model with {classes} outputs, "
                         f"got labels from {y.min()} to {y.max()}")
    return np.eye(classes)[y]


def mlp_loss(params, batch):
    """Softmax cross-entropy of the perceptron on ``batch = (X, y)``, averaged
    over the batch (``y`` integer labels).  Plain NumPy: differentiate it with
    ``osc.grad``, ``osc.hvp``...

    >>> import numpy as np, osculate as osc
    >>> from osculate.ml.data import init_mlp, mlp_loss
    >>> p = init_mlp((3, 4, 2), seed=0)
    >>> X, y = np.ones((5, 3)), np.array([0, 1, 1, 0, 1])
    >>> round(float(mlp_loss({k: 0 * v for k, v in p.items()}, (X, y))), 6)   # log 2
    0.693147
    >>> sorted(osc.grad(mlp_loss)(p, (X, y)))
    ['W1', 'W2', 'b1', 'b2']
    """
    if not (isinstance(batch, (tuple, list)) and len(batch) == 2):
        raise ValueError(f"mlp_loss: batch must be a pair (X, y), got {type(batch).__name__}"
                         + (f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else ""))
    X, y = batch
    logits = mlp_predict(params, X)
    onehot = _one_hot(y, np.shape(logits)[1], "mlp_loss")
    if onehot.shape[0] != np.shape(logits)[0]:
        raise ValueError(f"mlp_loss: X has {np.shape(logits)[0]} rows but y has {onehot.shape[0]}")
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_norm = np.log(np.sum(np.exp(shifted), axis=1))
    return np.mean(log_norm - np.sum(onehot * shifted, axis=1))


def accuracy(params, X, y):
    """The fraction of rows of ``X`` whose largest logit is at the label ``y``.

    >>> import numpy as np
    >>> from osculate.ml.data import accuracy
    >>> p = [(np.eye(2), np.zeros(2))]                     # logits = X
    >>> accuracy(p, np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0]]), np.array([0, 1, 1]))
    0.6666666666666666
    """
    pred = np.argmax(np.asarray(mlp_predict(params, np.asarray(X))), axis=1)
    y = np.asarray(y)
    if y.shape != pred.shape:
        raise ValueError(f"accuracy: y has shape {y.shape} but X has {pred.shape[0]} rows")
    return float(np.mean(pred == y))
