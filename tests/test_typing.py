"""The type stubs: `mypy --strict` accepts typed use (tests/typing_usage.py)
and rejects misuse, and fastact/__init__.pyi has exactly the runtime
signatures (parameter names, kinds, defaults) of every public function."""
from __future__ import annotations

import ast
import inspect
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import fastact
from fastact import _api, _catalogue

HERE = Path(__file__).parent
STUB = Path(fastact.__file__).with_name("__init__.pyi")


def _mypy(tmp_path, *files):
    pytest.importorskip("mypy")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    cmd = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
           "--cache-dir", str(tmp_path / "mypy_cache"), *map(str, files)]
    # From a source checkout (editable install: an import hook mypy cannot
    # follow) mypy must run at the checkout's root; an installed package it finds
    # in site-packages, and running there would make every module in it "shadow"
    # itself.
    root = Path(fastact.__file__).parent.parent
    cwd = root if (root / "pyproject.toml").exists() else tmp_path
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env, cwd=cwd)


def test_mypy_strict_accepts_typed_usage(tmp_path):
    usage = tmp_path / "typing_usage.py"
    shutil.copy(HERE / "typing_usage.py", usage)
    res = _mypy(tmp_path, usage)
    assert res.returncode == 0, res.stdout + res.stderr


def test_mypy_strict_rejects_misuse(tmp_path):
    bad = tmp_path / "misuse.py"
    bad.write_text("import numpy as np\nimport fastact\n"
                   "fastact.sigmoid(np.ones(3), at_zero=1.0)\n"      # no at_zero on sigmoid
                   "fastact.leaky_relu(np.ones(3), 0.1, 0.0)\n"       # at_zero is keyword-only
                   "x: str = fastact.tanh(np.ones(3))\n")             # returns an array
    res = _mypy(tmp_path, bad)
    assert res.returncode != 0
    lines = [ln for ln in res.stdout.splitlines() if ": error:" in ln]
    assert {ln.split(":")[1] for ln in lines} == {"3", "4", "5"}, res.stdout


def test_usage_file_runs():
    runpy.run_path(str(HERE / "typing_usage.py"), run_name="typing_usage")


def _stub_functions():
    tree = ast.parse(STUB.read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found.setdefault(node.name, []).append(node.args)
    return tree, found


def _shape(args: ast.arguments):
    """(name, kind, default) per parameter, like inspect.Parameter."""
    out = [(a.arg, "POSITIONAL_ONLY", None) for a in args.posonlyargs]
    defaults = [None] * (len(args.args) - len(args.defaults)) + list(args.defaults)
    out += [(a.arg, "POSITIONAL_OR_KEYWORD", ast.literal_eval(d) if d else None)
            for a, d in zip(args.args, defaults)]
    out += [(a.arg, "KEYWORD_ONLY", ast.literal_eval(d) if d else None)
            for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    return out


@pytest.mark.parametrize("name", _catalogue.all_public_names())
def test_stub_signatures_match_runtime(name):
    _, functions = _stub_functions()
    act = _catalogue.BY_NAME[next(a.name for a in _catalogue.ACTIVATIONS
                             if any(_catalogue.public_name(a, op) == name for op in _catalogue.OPS))]
    op = next(op for op in _catalogue.OPS if _catalogue.public_name(act, op) == name)
    runtime = [(p.name, p.kind.name, p.default if p.default is not p.empty else None)
               for p in _api.signature(act, op).parameters.values()]
    assert functions[name], f"no stub for {name}"
    for args in functions[name]:
        assert _shape(args) == runtime
    # the wrappers carry this signature; a compiled ufunc takes a superset (NumPy's
    # where=, dtype=, ... and out positionally), the stub types the documented part
    fn = getattr(fastact, name)
    if not isinstance(fn, np.ufunc):
        assert inspect.signature(fn) == _api.signature(act, op)


def test_stub_exports_everything_public():
    tree, functions = _stub_functions()
    stub_all = next(ast.literal_eval(n.value) for n in tree.body
                    if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__all__")
    assert sorted(stub_all) == sorted(fastact.__all__)
    declared = set(functions) | {n.name for n in tree.body if isinstance(n, ast.ClassDef)} | {
        n.target.id for n in tree.body if isinstance(n, ast.AnnAssign)}
    assert set(fastact.__all__) <= declared
    assert (Path(fastact.__file__).with_name("py.typed")).exists()


def test_stub_evaluate_file_matches_runtime():
    _, functions = _stub_functions()
    (args,) = functions["evaluate_file"]
    stub = [(name, kind) for name, kind, _ in _shape(args)]
    runtime = [(p.name, p.kind.name)
               for p in inspect.signature(fastact.evaluate_file).parameters.values()]
    assert stub == runtime
