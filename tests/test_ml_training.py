"""osculate.ml.training and osculate.ml.data: training on scikit-learn's digits,
the two forms of parameters, reproducibility, clear errors, non-finite stops."""

import numpy as np
import pytest

import osculate as osc
from osculate.ml import training as train_module
from osculate.ml.data import (
    accuracy, batches, init_mlp, load_digits_split, mlp_layers, mlp_loss, mlp_predict,
)
from osculate.ml.optimizers import adam, sgd
from osculate.ml.training import TrainResult, train

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def digits():
    return load_digits_split(test_size=0.25, seed=0)


def _strip_times(history):
    return [{k: v for k, v in r.items() if k not in ("time", "wall_time")} for r in history]


# --------------------------------------------------------------------------- data


def test_digits_split(digits):
    X, y, Xt, yt = digits
    assert X.shape == (1347, 64) and Xt.shape == (450, 64) and y.shape == (1347,) and yt.shape == (450,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0 and Xt.max() <= 1.0
    assert sorted(set(y)) == list(range(10)) and sorted(set(yt)) == list(range(10))
    again = load_digits_split(test_size=0.25, seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(digits, again))
    assert not np.array_equal(load_digits_split(seed=1)[1], y)
    with pytest.raises(ValueError, match="test_size"):
        load_digits_split(test_size=1.5)


def test_missing_sklearn_names_the_extra(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match=r"pip install 'osculate\[ml\]'"):
        load_digits_split()


def test_batches_are_deterministic_shuffled_and_cover_the_data():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    a = list(batches((X, y), 3, seed=4, epoch=2))
    b = list(batches((X, y), 3, seed=4, epoch=2))
    assert [len(bx) for bx, _ in a] == [3, 3, 3, 1]
    assert all(np.array_equal(u[1], v[1]) for u, v in zip(a, b))
    assert sorted(np.concatenate([by for _, by in a])) == list(range(10))
    assert all(np.array_equal(bx[:, 0] / 2, by) for bx, by in a)          # rows stay together
    other = np.concatenate([by for _, by in batches((X, y), 3, seed=4, epoch=3)])
    assert not np.array_equal(other, np.concatenate([by for _, by in a]))
    assert [len(by) for _, by in batches((X, y), 3, seed=4, epoch=2, drop_last=True)] == [3, 3, 3]
    with pytest.raises(ValueError, match="same number of rows"):
        list(batches((X, y[:5]), 2))
    with pytest.raises(ValueError, match="batch_size"):
        list(batches((X, y), 0))
    with pytest.raises(TypeError, match="tuple of arrays"):
        list(batches(X, 2))


def test_mlp_two_forms_and_helpers():
    d, layers = init_mlp((6, 5, 4, 3), seed=2), init_mlp((6, 5, 4, 3), seed=2, kind="list")
    assert [np.array_equal(W, d[f"W{i}"]) for i, (W, b) in enumerate(layers, start=1)] == [True] * 3
    limit = np.sqrt(6 / (6 + 5))
    assert np.abs(d["W1"]).max() <= limit and np.abs(d["W1"]).max() > 0.8 * limit and not d["b1"].any()
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(7, 6)), rng.integers(0, 3, size=7)
    assert np.array_equal(mlp_predict(d, X), mlp_predict(layers, X))
    # the formula: tanh hidden layers, a linear last layer, mean softmax cross-entropy
    h = np.tanh(np.tanh(X @ d["W1"] + d["b1"]) @ d["W2"] + d["b2"])
    logits = h @ d["W3"] + d["b3"]
    np.testing.assert_allclose(mlp_predict(d, X), logits, rtol=1e-14)
    logp = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    np.testing.assert_allclose(mlp_loss(d, (X, y)), -np.mean(logp[np.arange(7), y]), rtol=1e-13)
    assert accuracy(d, X, y) == np.mean(np.argmax(logits, axis=1) == y)
    gd, gl = osc.grad(mlp_loss)(d, (X, y)), osc.grad(mlp_loss)(layers, (X, y))
    for i, (gW, gb) in enumerate(gl, start=1):
        np.testing.assert_array_equal(gW, gd[f"W{i}"])
        np.testing.assert_array_equal(gb, gd[f"b{i}"])


def test_mlp_shape_errors():
    d = init_mlp((4, 3, 2))
    with pytest.raises(ValueError, match=r"expected X of shape \(n, 4\)"):
        mlp_predict(d, np.ones((5, 6)))
    with pytest.raises(ValueError, match="layer 2 takes 5 inputs but layer 1 has 3"):
        mlp_layers({"W1": np.ones((4, 3)), "b1": np.ones(3), "W2": np.ones((5, 2)), "b2": np.ones(2)})
    with pytest.raises(ValueError, match="missing"):
        mlp_layers({"W1": np.ones((4, 3)), "b1": np.ones(3), "W2": np.ones((3, 2))})
    with pytest.raises(ValueError, match="keys 'W1', 'b1'"):
        mlp_layers({"weight": np.ones((4, 3))})
    with pytest.raises(ValueError, match="b of shape"):
        mlp_layers([(np.ones((4, 3)), np.ones(4))])
    with pytest.raises(ValueError, match="labels must lie in"):
        mlp_loss(d, (np.ones((2, 4)), np.array([0, 2])))
    with pytest.raises(ValueError, match="1-D integer"):
        mlp_loss(d, (np.ones((2, 4)), np.array([0.0, 1.0])))
    with pytest.raises(ValueError, match="kind"):
        init_mlp((4, 2), kind="tuple")


# --------------------------------------------------------------------------- training


def test_adam_learns_digits(digits):
    X, y, Xt, yt = digits
    result = train(mlp_loss, init_mlp((64, 32, 10), seed=0), (X, y), method="adam", lr=1e-2, epochs=4,
                   batch_size=64, seed=0, test_data=(Xt, yt), progress=False)
    assert isinstance(result, TrainResult) and result.status == "completed" and result.ok
    losses = result.column("loss")
    assert all(b < a for a, b in zip(losses, losses[1:])) and losses[-1] < 0.3 * losses[0]
    last = result.history[-1]
    assert last["test_accuracy"] > 0.9 and last["accuracy"] > 0.9 and last["test_loss"] < 0.5
    assert last["steps"] == 22 and [r["epoch"] for r in result.history] == [1, 2, 3, 4]
    assert all(r["time"] > 0 for r in result.history)
    np.testing.assert_allclose(result.column("wall_time"), np.cumsum(result.column("time")))
    assert np.isclose(last["test_loss"], mlp_loss(result.params, (Xt, yt)))
    assert np.isclose(last["test_accuracy"], accuracy(result.params, Xt, yt))
    assert "status='completed'" in repr(result)


@pytest.mark.parametrize("method,options", [("adam", {"lr": 1e-2}), ("sgd", {"lr": 0.3, "momentum": 0.9}),
                                            ("shampoo", {"lr": 1e-2})])
def test_dict_and_list_of_layers_give_identical_histories(digits, method, options):
    X, y, Xt, yt = digits
    kw = dict(method=method, epochs=2, batch_size=128, seed=3, test_data=(Xt, yt), progress=False, **options)
    a = train(mlp_loss, init_mlp((64, 16, 10), seed=1), (X, y), **kw)
    b = train(mlp_loss, init_mlp((64, 16, 10), seed=1, kind="list"), (X, y), **kw)
    assert _strip_times(a.history) == _strip_times(b.history)
    assert isinstance(b.params, list) and np.array_equal(b.params[1][0], a.params["W2"])


def test_reproducible_per_seed(digits):
    X, y, _, _ = digits
    kw = dict(method="adam", epochs=1, batch_size=100, progress=False)
    a = train(mlp_loss, init_mlp((64, 8, 10)), (X[:400], y[:400]), seed=5, **kw)
    b = train(mlp_loss, init_mlp((64, 8, 10)), (X[:400], y[:400]), seed=5, **kw)
    c = train(mlp_loss, init_mlp((64, 8, 10)), (X[:400], y[:400]), seed=6, **kw)
    assert _strip_times(a.history) == _strip_times(b.history) != _strip_times(c.history)


def test_curvature_methods_by_name_receive_the_loss(digits, monkeypatch):
    X, y, _, _ = digits
    small = (X[:256], y[:256])
    result = train(mlp_loss, init_mlp((64, 8, 10)), small, method="adahessian", epochs=2, batch_size=128,
                   progress=False, n_samples=1)
    assert result.optimizer.name == "adahessian" and result.optimizer.needs_loss
    assert result.history[-1]["loss"] < result.history[0]["loss"]
    # the hook for other modules: a factory whose first parameter is `loss` is given it
    seen = {}

    def fake(loss, lr=1.0):
        seen["loss"] = loss
        return sgd(lr)

    monkeypatch.setitem(train_module._FACTORIES, "fake", fake)
    train(mlp_loss, init_mlp((64, 8, 10)), small, method="fake", lr=0.1, epochs=1, progress=False)
    assert seen["loss"] is mlp_loss


def test_an_optimizer_object_metrics_and_callback(digits):
    X, y, Xt, yt = digits
    small, test = (X[:300], y[:300]), (Xt[:100], yt[:100])
    calls = []

    def callback(record, params, state):
        calls.append((record["epoch"], state.count))
        return record["epoch"] == 2

    top2 = {"top2": lambda p, X, y: float(np.mean(np.any(np.argsort(mlp_predict(p, X), axis=1)[:, -2:]
                                                         == y[:, None], axis=1)))}
    result = train(mlp_loss, init_mlp((64, 8, 10)), small, method=adam(5e-3), epochs=5, batch_size=100,
                   test_data=test, metrics=top2, callback=callback, progress=False)
    assert result.status == "stopped" and "after epoch 2" in result.message and result.ok
    assert calls == [(1, 3), (2, 6)] and len(result.history) == 2
    assert set(result.history[0]) == {"epoch", "loss", "steps", "time", "wall_time", "top2", "test_loss",
                                      "test_top2"}
    none = train(mlp_loss, init_mlp((64, 8, 10)), small, epochs=1, metrics={}, progress=False)
    assert "accuracy" not in none.history[0]


def test_progress_bar_with_and_without_tqdm(digits, monkeypatch, capsys):
    pytest.importorskip("tqdm")
    X, y, _, _ = digits
    small = (X[:200], y[:200])
    a = train(mlp_loss, init_mlp((64, 8, 10)), small, epochs=1, batch_size=50, progress=True)
    assert "adam" in capsys.readouterr().err
    monkeypatch.setattr(train_module, "_tqdm", None)
    b = train(mlp_loss, init_mlp((64, 8, 10)), small, epochs=1, batch_size=50, progress=True)
    assert capsys.readouterr().err == ""
    assert _strip_times(a.history) == _strip_times(b.history)


def test_clear_errors(digits):
    X, y, _, _ = digits
    params = init_mlp((64, 8, 10))
    with pytest.raises(ValueError, match=r"unknown method 'lbfgs'; valid names are \[.*'adam'.*'shampoo'"):
        train(mlp_loss, params, (X, y), method="lbfgs")
    with pytest.raises(TypeError, match=r"bad options for method 'adam'.*accepts \['lr'"):
        train(mlp_loss, params, (X, y), method="adam", momentum=0.9)
    with pytest.raises(TypeError, match="already an Optimizer"):
        train(mlp_loss, params, (X, y), method=adam(), lr=0.1)
    with pytest.raises(ValueError, match=r"expected X of shape \(n, 30\)"):
        train(mlp_loss, init_mlp((30, 8, 10)), (X, y), epochs=1, progress=False)
    with pytest.raises(ValueError, match="same number of rows"):
        train(mlp_loss, params, (X, y[:10]))
    with pytest.raises(ValueError, match="batch_size"):
        train(mlp_loss, params, (X, y), batch_size=0)
    with pytest.raises(ValueError, match="epochs"):
        train(mlp_loss, params, (X, y), epochs=-1)
    with pytest.raises(TypeError, match="metrics"):
        train(mlp_loss, params, (X, y), metrics=[accuracy])
    with pytest.raises(ValueError, match="clash"):
        train(mlp_loss, params, (X, y), metrics={"loss": accuracy})
    with pytest.raises(TypeError, match="loss must be a function"):
        train(None, params, (X, y))


def test_a_non_finite_loss_stops_with_a_status():
    # loss = Σ log w: plain gradient descent with lr = 1 drives w below 0, where log is NaN
    loss = lambda p, batch: np.sum(np.log(p["w"])) + 0.0 * np.sum(batch[0])  # noqa: E731
    data = (np.zeros((4, 1)),)
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning, match="non-finite loss"):
        result = train(loss, {"w": np.array([3.0])}, data, method="sgd", lr=1.0, epochs=5, batch_size=1,
                       progress=False)
    # w: 3, 2.667, 2.292, 1.855, 1.316, 0.556, −1.24 (the 7th evaluation: epoch 2, step 3)
    assert result.status == "non-finite" and not result.ok
    assert "epoch 2, step 3 of 4" in result.message
    assert len(result.history) == 1 and result.history[0]["steps"] == 4
    assert np.isfinite(loss(result.params, data)) and result.params["w"][0] > 0
    assert result.state.count == 5


def test_train_with_adam_is_torch_adam_over_the_same_minibatches(digits):
    """End to end: train() on digits equals a torch.optim.Adam loop fed the same
    minibatches (batches(data, batch_size, seed, epoch - 1)) in float64."""
    torch = pytest.importorskip("torch")
    X, y, _, _ = digits
    data, params = (X[:300], y[:300]), init_mlp((64, 16, 10), seed=7)
    result = train(mlp_loss, params, data, method="adam", lr=5e-3, epochs=2, batch_size=64, seed=2,
                   metrics={}, progress=False)
    tp = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    opt = torch.optim.Adam(list(tp.values()), lr=5e-3)
    epoch_losses = []
    for epoch in range(2):
        losses = []
        for bx, by in batches(data, 64, seed=2, epoch=epoch):
            opt.zero_grad()
            logits = torch.tanh(torch.tensor(bx) @ tp["W1"] + tp["b1"]) @ tp["W2"] + tp["b2"]
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor(by))
            loss.backward()
            opt.step()
            losses.append(loss.item())
        epoch_losses.append(np.mean(losses))
    np.testing.assert_allclose(result.column("loss"), epoch_losses, rtol=1e-12)
    for k in params:
        np.testing.assert_allclose(result.params[k], tp[k].detach().numpy(), rtol=0, atol=1e-10)
        assert np.max(np.abs(result.params[k] - params[k])) > 1e-3
