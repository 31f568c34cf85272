"""Fused loops loaded from their stored objects without numba
(``osculate.ad.native``).

One process compiles a program's loops with numba into a fresh cache; a
second process, where importing numba fails, must load them from their
objects, run the program fused and give what the unfused program gives --
without numba ever being imported.  A damaged, foreign or unusable object
must fall back to numba (or, without numba, to the unfused program) and
give the same results.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

import osculate as osc
from osculate.ad import fusion, native

pytestmark = pytest.mark.skipif(not (fusion.HAVE_NUMBA and native.possible()),
                                reason="needs numba, llvmlite and ELF objects (Linux)")

# A program with every kind of loop operand and result: slices, a gather by a constant
# index array, a comparison and `where` (a boolean array), a scalar argument, a sum, the
# scatter-adds of the adjoint and a vector written out.
PROGRAM = """
import numpy as np, osculate as osc
idx = np.arange(0, 200, 2)
def f(x, s):
    y = np.where(x[1:] > 0.1, np.exp(-x[1:] ** 2), np.log1p(x[:-1] ** 2)) * s
    return np.sum(y ** 2) + np.sum(np.cos(x[idx]) * x[idx + 1]) + np.sum(np.tanh(x) * x)
targets = {"grad": osc.grad(f), "hvp": lambda x, s, v: osc.hvp(lambda z: f(z, s), x, v)}
rng = np.random.default_rng(5)
x1, x2 = rng.uniform(-1, 1, 300), rng.uniform(-1, 1, 300)
v = rng.standard_normal(300)
args = {"grad": lambda x: (x, 1.5), "hvp": lambda x: (x, 1.5, v)}
"""

FIRST = PROGRAM + """
for name, t in targets.items():
    g = osc.jit(t, fuse=True)
    g(*args[name](x1)); g(*args[name](x1))
    assert g.program(*args[name](x1)).fused is not None
print("compiled")
"""

SECOND = """
import sys
if sys.argv[1] == "block":
    sys.modules["numba"] = None  # importing numba fails from here on
""" + PROGRAM + """
import json
out = {}
for name, t in targets.items():
    g, ref = osc.jit(t, fuse=True), osc.jit(t, fuse=False)
    for x in (x1, x1, x2):  # stages, fuses (first replay), replays fused at a new point
        got = g(*args[name](x))
    want = ref(*args[name](x2))
    out[name] = {"fused": g.program(*args[name](x2)).fused is not None,
                 "error": float(np.max(np.abs(got - want)) / np.max(np.abs(want)))}
out["numba"] = sorted(m for m in sys.modules if m.split(".")[0] == "numba" and sys.modules[m] is not None)
print(json.dumps(out))
"""


def _run(code, cache, *argv):
    env = {"OSCULATE_CACHE_DIR": str(cache), "PATH": "", "HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """A cache whose loops an earlier process compiled (and stored)."""
    cache = tmp_path_factory.mktemp("cache")
    assert _run(FIRST, cache) == "compiled"
    return cache


def _objects(cache):
    return sorted((cache / "fusion" / "native").glob("fused_*.o"))


def test_a_process_without_numba_runs_the_stored_loops(compiled):
    objects = _objects(compiled)
    assert len(objects) >= 2 and all(p.name.endswith(f"-{native.tag()}.o") for p in objects)
    out = json.loads(_run(SECOND, compiled, "block"))
    assert out.pop("numba") == []  # never imported
    for name, r in out.items():
        assert r["fused"], name
        assert r["error"] <= 1e-12, (name, r)


def test_a_damaged_object_falls_back(compiled, tmp_path):
    cache = tmp_path / "damaged"
    shutil.copytree(compiled, cache)
    objects = _objects(cache)
    for k, p in enumerate(objects):
        data = bytearray(p.read_bytes())
        if k % 2:
            data[-100] ^= 0xFF  # a flipped byte: the checksum no longer matches
        else:
            data = data[: len(data) // 2]  # truncated
        p.write_bytes(bytes(data))
    # without numba: nothing loads, so nothing fuses, and the results are the unfused ones
    out = json.loads(_run(SECOND, cache, "block"))
    assert out.pop("numba") == []
    assert all(not r["fused"] and r["error"] == 0.0 for r in out.values())
    # with numba: compiled again (from numba's cache) and stored anew, loadable again
    out = json.loads(_run(SECOND, cache, "numba"))
    assert out.pop("numba")  # numba did the work
    assert all(r["fused"] and r["error"] <= 1e-12 for r in out.values())
    out = json.loads(_run(SECOND, cache, "block"))  # the objects stored anew load without numba
    assert out.pop("numba") == []
    assert all(r["fused"] and r["error"] <= 1e-12 for r in out.values())


def test_a_foreign_object_is_not_read(compiled, tmp_path):
    cache = tmp_path / "foreign"
    shutil.copytree(compiled, cache)
    for p in _objects(cache):  # as if compiled for another machine or by other versions
        p.rename(p.with_name(p.name.replace(native.tag(), "0" * 16)))
    out = json.loads(_run(SECOND, cache, "block"))
    assert out.pop("numba") == []
    assert all(not r["fused"] and r["error"] == 0.0 for r in out.values())


def test_loading_refuses_what_it_cannot_use(compiled, tmp_path, monkeypatch):
    folder = compiled / "fusion"
    key = _objects(compiled)[0].name.split("-")[0].removeprefix("fused_")
    data = native.path(folder, key).read_bytes()
    assert native.load(folder, key)  # intact: loads here too
    names = native._undefined_symbols(data[data.index(b"\x7fELF"):])
    assert names and not any(n.startswith(("numba", "NRT")) for n in names)  # libm's, at most
    assert native._undefined_symbols(b"\x7fELF" + b"\x02\x01" + b"\0" * 20) is None  # malformed

    other = tmp_path / "fusion"
    target = native.path(other, key)
    target.parent.mkdir(parents=True)
    for bad in (b"", b"not an object", data.replace(key.encode(), b"0" * len(key), 1),
                data[: len(data) - 10]):
        target.write_bytes(bad)
        assert native.load(other, key) is None
    assert native.load(other, "missing") is None
    # an object needing a symbol that only numba provides is neither stored nor loaded
    target.write_bytes(data)
    monkeypatch.setattr(native, "_undefined_symbols", lambda obj: {"exp", "numba_gil_ensure"})
    assert native.load(other, key) is None
    assert not native.store(other, key, "kernel", data[data.index(b"\x7fELF"):])
    monkeypatch.setattr(native, "_undefined_symbols", lambda obj: {"a_symbol_nobody_defines"})
    assert native.load(other, key) is None
