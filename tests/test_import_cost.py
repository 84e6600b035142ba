"""`import fastact` stays cheap (issue 8: at most 15 ms on top of `import numpy`).

Wall time is measured by bench/import_time.py, never asserted here (it is noise
on a shared machine).  Asserted is the deterministic part of it, in a fresh
interpreter per backend: what the import brings in beyond NumPy (no typing,
inspect, dataclasses or threading: numpy imports the first two itself, so they
are dropped from sys.modules after `import numpy` to see whether fastact imports
them again), and that it builds no public function, ufunc or docstring (each
is built on first use)."""
from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import fastact
from fastact import _catalogue

# Modules that cost more than the rest of fastact's import together, none needed
# to import it (numpy itself imports typing and inspect: see _PROBE).
_HEAVY = ("typing", "inspect", "dataclasses", "threading")
# The modules that build the public functions and their docs, and the fallback's
# kernels: imported with the first function used, not by `import fastact`.
_BUILDERS = ("fastact._api", "fastact._docs", "fastact._duck", "fastact._examples",
             "fastact._fallback", "fastact._lesson", "fastact._prelu")

_PROBE = f"""
import json, sys
import numpy
for name in {_HEAVY!r}:
    sys.modules.pop(name, None)  # imported again only if fastact's import path does
# threadpoolctl, where installed, must not be imported (fastact registers with it
# when it is: tests/test_num_threads.py); it would bring typing, inspect, threading
sys.modules.pop("threadpoolctl", None)
import fastact
print(json.dumps({{
    "backend": fastact.BACKEND,
    "heavy": sorted(m for m in {_HEAVY!r} + ("threadpoolctl",) if m in sys.modules),
    "builders": sorted(m for m in {_BUILDERS!r} if m in sys.modules),
    "built": sorted(n for n in fastact.__all__ if n in vars(fastact)
                    and n in {tuple(_catalogue.all_public_names())!r}),
}}))
"""


def _import_in_fresh_interpreter(backend):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("FASTACT_NO_EXTENSIONS", None)
    if backend == "python":
        env["FASTACT_NO_EXTENSIONS"] = "1"
    r = subprocess.run([sys.executable, "-W", "error", "-c", _PROBE], capture_output=True,
                       text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_import_path_imports_no_typing_inspect_dataclasses_threading(fa):
    got = _import_in_fresh_interpreter(fa.BACKEND)
    assert got["backend"] == fa.BACKEND
    assert got["heavy"] == [], f"import fastact imports {got['heavy']}"


def test_import_builds_no_public_function_and_no_docstring(fa):
    got = _import_in_fresh_interpreter(fa.BACKEND)
    assert got["builders"] == [], f"import fastact imports {got['builders']}"
    assert got["built"] == []


def test_every_public_name_is_listed_before_it_is_built():
    # dir() and __all__ name them all (tab completion, `from fastact import *`)
    names = set(_catalogue.all_public_names()) | {"ActivationFunctions",
                                                  "prelu_backward_weight", "evaluate_file"}
    assert names <= set(dir(fastact))
    assert names <= set(fastact.__all__)


def test_a_function_built_on_first_use_is_kept_and_pickles_by_name(fa):
    # pickle finds a function again by its name: that must be the same object
    name = "leaky_relu_and_derivative"
    fn = getattr(fa, name)
    assert getattr(fa, name) is fn
    if fa.BACKEND == fastact.BACKEND:
        assert getattr(fastact, name) is fn
        assert pickle.loads(pickle.dumps(fn)) is fn
