"""Fused loops kept as machine code, loaded without numba.

:mod:`osculate.ad.fusion` compiles its loops with numba, and numba keeps
what it compiled in a disk cache -- but reading that cache means importing
numba first, about 0.2 s, plus its own bookkeeping per loop: a program
whose loops an earlier process compiled would still wait some 0.35 s on
its first fused call.  So each compiled loop is also written out here as
the object file numba's code generator produced for it, and a later process
loads that file with llvmlite's binding alone (the library numba itself
compiles through, some 30 ms to import): an MCJIT execution engine takes the
object, resolves its external symbols against the process and hands back the
loop's address, which is called through :mod:`ctypes`.

The loop's entry point takes plain machine values, so that it can be called
without numba's argument conversion: every array is passed as the address
of its NumPy object, from which the loop reads the data pointer
(:func:`data_slot`: the word of the ``PyArrayObject`` that holds it, checked
in this process), every scalar as a double or a 64-bit integer, and the sums
the loop computes are written into a small output array.  The entry point
follows numba's calling convention (two leading pointers for a return
value and an exception, a status code returned) because that is what numba
compiles without wrapping it in code that needs numba's own helpers.

A stored file is named by the loop's source hash and a *tag* of everything
else its machine code depends on -- the target triple, host CPU and its
features, the versions of llvmlite, LLVM and numba, Python's ABI -- so a
file compiled elsewhere, or by another version, is never looked at.  Inside,
a header records the entry point's symbol and a SHA-256 of the object, so a
truncated or damaged file is refused before LLVM reads it.  An object whose
undefined symbols do not all resolve in this process (numba's runtime
helpers, say) is neither written nor loaded: LLVM would abort the process on
an unresolved symbol.  Only ELF objects (Linux) are handled; elsewhere, and
whenever anything here fails, fusion falls back to numba.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib
import importlib.machinery
import importlib.util
import json
import os
import struct
import sys
import threading

import numpy as np

_MAGIC = b"osculate fused loop, native object, v1\n"

_lock = threading.Lock()
_engines = []  # the execution engines holding loaded loops, and their objects (kept alive: the loops' code is theirs)
_memo = {}  # "possible", "slot", "tag", "process": found once per process

#: Scratch memory for the two leading pointers of numba's calling convention
#: (a return slot the loops never write -- they return nothing -- and the
#: exception pointer, written only when a loop raises).
_SCRATCH = ctypes.create_string_buffer(64)
RET, EXC = ctypes.addressof(_SCRATCH), ctypes.addressof(_SCRATCH) + 32

#: ctypes types of a loop's parameters, by the letters :mod:`fusion` uses:
#: arrays (float64, int64, bool) go as their objects, scalars as values.
_CTYPES = {"F": ctypes.py_object, "I": ctypes.py_object, "B": ctypes.py_object,
           "d": ctypes.c_double, "q": ctypes.c_int64}

# numba's status codes: 0 (returned a value) and -2 (returned None) are success
_OK = (0, -2)


def possible() -> bool:
    """Whether loops can be loaded here without numba: llvmlite is installed,
    the platform's objects are ELF, and an array's data pointer was found."""
    if "possible" not in _memo:
        _memo["possible"] = (sys.platform.startswith("linux") and importlib.util.find_spec("llvmlite") is not None
                             and data_slot() is not None)
    return _memo["possible"]


def data_slot():
    """The word of a NumPy array object that holds its data pointer (2 on
    CPython's usual builds: after the reference count and the type), found
    by looking, or None when it is not where an array's fields start."""
    if "slot" not in _memo:
        if sys.implementation.name != "cpython":  # (an object's id is its address only there)
            _memo["slot"] = None
            return None
        probe = np.empty(3)
        size = ctypes.sizeof(ctypes.c_void_p)
        want = probe.ctypes.data
        _memo["slot"] = next((k for k in range(1, 9)
                              if ctypes.c_void_p.from_address(id(probe) + k * size).value == want), None)
    return _memo["slot"]


def _llvm():
    """llvmlite's binding, imported at the first use (not with osculate)."""
    return importlib.import_module("llvmlite.binding")


def _numba_fingerprint():
    """A hash of numba's version file, found without importing numba (which
    may be blocked or absent: then None)."""
    spec = importlib.machinery.PathFinder.find_spec("numba")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = spec.submodule_search_locations[0]
    for name in ("_version.py", "__init__.py"):
        try:
            with open(os.path.join(folder, name), "rb") as fh:
                return hashlib.sha1(fh.read()).hexdigest()[:16]
        except OSError:
            continue
    return None


def tag():
    """The tag naming this process's objects (see the module's docstring), or
    None when loops cannot be stored or loaded here."""
    if "tag" not in _memo:
        value = None
        if possible():
            numba_id = _numba_fingerprint()
            if numba_id is not None:
                llvm = _llvm()
                llvmlite = importlib.import_module("llvmlite")
                parts = [llvm.get_process_triple(), llvm.get_host_cpu_name(),
                         llvm.get_host_cpu_features().flatten(), llvmlite.__version__,
                         ".".join(map(str, llvm.llvm_version_info)), numba_id,
                         sys.implementation.cache_tag, getattr(sys, "abiflags", ""), str(data_slot())]
                value = hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]
        _memo["tag"] = value
    return _memo["tag"]


def path(folder, key):
    """Where the object of the loop ``key`` compiled for this process's
    target lives under the cache ``folder``, or None when there is no such
    place (see :func:`tag`)."""
    t = tag()
    return None if t is None else folder / "native" / f"fused_{key}-{t}.o"


def stored(folder, key) -> bool:
    """Whether the object of the loop ``key`` for this target is on disk."""
    p = path(folder, key)
    return p is not None and p.exists()


# --------------------------------------------------------------------------- writing


def from_numba(dispatcher):
    """``(address, symbol, object)`` of the one compiled version of a numba
    dispatcher: its entry point in this process, its symbol and its object
    code (None when numba has none to give, or its code holds addresses of
    this process's objects)."""
    (cres,) = dispatcher.overloads.values()
    symbol = cres.fndesc.llvm_func_name
    library = cres.library
    address = library.get_pointer_to_function(symbol)
    obj = None
    if not library.has_dynamic_globals:
        try:
            obj = bytes(library._get_compiled_object())  # (what numba's own cache stores)
        except (AttributeError, ValueError, RuntimeError):
            # loaded from numba's cache, whose object went to numba's engine: emitted again
            # from the optimised module numba keeps for linking (the same machine code)
            try:
                obj = bytes(library.codegen._tm.emit_object(library._get_module_for_linking()))
            except Exception:  # noqa: BLE001 - numba's internals differ: the loop is just not stored
                obj = None
    return address, symbol, obj


def store(folder, key, symbol, obj) -> bool:
    """Write the object of the loop ``key`` into the cache ``folder`` (an
    atomic replace: processes may write the same file), unless it refers to
    symbols a process without numba cannot resolve.  True when written."""
    target = path(folder, key)
    if target is None or obj is None or not _resolvable(obj):
        return False
    header = json.dumps({"symbol": symbol, "sha256": hashlib.sha256(obj).hexdigest(), "key": key}).encode()
    tmp = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(_MAGIC + header + b"\n" + obj)
        os.replace(tmp, target)
    except OSError:  # (a cache folder one cannot write to: the loop is just not stored)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True


# --------------------------------------------------------------------------- loading


def load(folder, key):
    """The address of the loop ``key`` loaded from its stored object, or None
    when there is none for this target or it cannot be used (damaged, or
    needing symbols this process lacks)."""
    p = path(folder, key)
    try:
        data = p.read_bytes() if p is not None else None
    except OSError:
        data = None
    if not data or not data.startswith(_MAGIC):
        return None
    head, _, obj = data[len(_MAGIC):].partition(b"\n")
    try:
        info = json.loads(head)
        symbol = info["symbol"]
        intact = info["key"] == key and hashlib.sha256(obj).hexdigest() == info["sha256"]
    except (ValueError, KeyError, TypeError):
        return None
    if not intact or not _resolvable(obj):
        return None
    llvm = _llvm()
    with _lock:
        try:
            if not _engines:
                llvm.initialize_native_target()
                llvm.initialize_native_asmprinter()
            # one engine per loop: loops compiled by different processes may define
            # the same helper symbols, and each keeps its own
            machine = llvm.Target.from_default_triple().create_target_machine()
            engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), machine)
            engine.add_object_file(llvm.ObjectFileRef.from_data(obj))
            engine.finalize_object()
            address = engine.get_function_address(symbol)
        except Exception:  # noqa: BLE001 - whatever LLVM refuses, numba compiles instead
            return None
        if not address:
            return None
        _engines.append((engine, obj))  # (the object's bytes too, whatever LLVM keeps pointing at)
    return address


def function(address, kinds):
    """A ctypes function calling the loop at ``address`` whose parameters
    are of ``kinds`` (letters of :data:`_CTYPES`); it takes the two scratch
    pointers first (:data:`RET`, :data:`EXC`) and returns numba's status."""
    return ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p,
                            *[_CTYPES[k] for k in kinds])(address)


def check(status):
    """Raise when a loop reported an exception (numba's status code)."""
    if status not in _OK:
        raise FloatingPointError(f"a fused loop failed (status {status})")


# --------------------------------------------------------------------------- symbols


def _resolvable(obj) -> bool:
    """Whether every symbol the ELF object ``obj`` leaves undefined is found
    in this process as a process without numba has it: the C and maths
    libraries and Python's own (numba's helpers are not exported, and are
    refused by name too)."""
    names = _undefined_symbols(obj)
    if names is None:
        return False
    process = _memo.get("process")
    if process is None:
        process = _memo["process"] = ctypes.CDLL(None)  # (what the process has loaded, globally)
    for name in names:
        if name.startswith(("numba_", "NRT_", "_ZN5numba")):
            return False
        try:
            getattr(process, name)
        except AttributeError:
            return False
    return True


def _undefined_symbols(obj):
    """The names of the undefined symbols of a 64-bit little-endian ELF
    object, or None when ``obj`` is not one (or is malformed)."""
    try:
        if obj[:4] != b"\x7fELF" or obj[4] != 2 or obj[5] != 1:
            return None
        (shoff,) = struct.unpack_from("<Q", obj, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", obj, 0x3A)
        # (name, type, flags, addr, offset, size, link, info, addralign, entsize)
        sections = [struct.unpack_from("<IIQQQQIIQQ", obj, shoff + k * shentsize) for k in range(shnum)]
        names = set()
        for sh in sections:
            if sh[1] != 2:  # SHT_SYMTAB
                continue
            strtab = sections[sh[6]]
            for at in range(sh[4] + sh[9], sh[4] + sh[5], sh[9]):  # (the first entry is the null symbol)
                st_name, _, _, st_shndx, _, _ = struct.unpack_from("<IBBHQQ", obj, at)
                if st_shndx == 0 and st_name:
                    start = strtab[4] + st_name
                    end = obj.index(b"\0", start)
                    names.add(obj[start:end].decode())
        return names
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        return None
