"""Every module imports alone, first, in a fresh interpreter, with warnings as
errors (multidict's test_circular_imports.py): an import cycle that only works
in one import order, or a module that warns at import, fails here."""
from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

import fastact


def _modules():
    names = ["fastact"]
    for info in pkgutil.walk_packages(fastact.__path__, "fastact."):
        # __main__ modules run on import; fastact._generate.__main__ writes files
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return sorted(names)


MODULES = _modules()


def test_the_layout_is_found():
    # the roles: core, backends, catalogue, accuracy, bench, cli, tools
    for name in ("fastact._catalogue", "fastact._api", "fastact._fallback", "fastact._accuracy",
                 "fastact._bench", "fastact._cli", "fastact._tools", "fastact._generate"):
        assert name in MODULES


def _import_alone(name):
    return subprocess.run([sys.executable, "-W", "error", "-c", f"import {name}"],
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))


@pytest.fixture(scope="module")
def results():
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(MODULES, pool.map(_import_alone, MODULES)))


@pytest.mark.parametrize("name", MODULES)
def test_module_imports_alone_without_warnings(results, name):
    r = results[name]
    assert r.returncode == 0, r.stderr
    assert r.stderr == "", r.stderr


def _top_level_imports(name):
    """The fastact modules `name` imports at module level (not inside functions)."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return set()
    with open(spec.origin) as f:
        tree = ast.parse(f.read())
    package = name if spec.submodule_search_locations else name.rpartition(".")[0]
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return {m for m in found if m in MODULES and m != name}


def test_no_cycle_among_module_level_imports():
    """The module-level import graph is acyclic: no module needs another that
    needs it back (function-level imports are the deliberate lazy ones)."""
    graph = {m: _top_level_imports(m) - {"fastact"} for m in MODULES}
    # a package's own __init__ importing its submodules is not a cycle
    for m in graph:
        graph[m] = {d for d in graph[m] if not d.startswith(m + ".")}
    state = {}

    def visit(m, path):
        if state.get(m) == "done":
            return
        assert state.get(m) != "active", "import cycle: " + " -> ".join(path + [m])
        state[m] = "active"
        for d in sorted(graph[m]):
            visit(d, path + [m])
        state[m] = "done"

    for m in MODULES:
        visit(m, [])
