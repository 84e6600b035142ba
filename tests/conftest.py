"""One fixture, parametrised over the compiled and the pure-NumPy backend, like
multidict's: every test that takes `fa` runs on both.  `--no-c-extensions`
(or FASTACT_NO_EXTENSIONS=1) skips the compiled side.  The header says which
fastact is tested, which backends and SIMD levels run, and why the compiled side
is skipped where it is."""
from __future__ import annotations

import contextlib
import glob
import os
import sys
from importlib.machinery import PathFinder
from pathlib import Path

import pytest

import fastact
from fastact import _backends, _config


def pytest_addoption(parser):
    parser.addoption("--no-c-extensions", action="store_true", default=False,
                     help="run only the pure-NumPy backend")
    parser.addoption("--slow", action="store_true", default=False,
                     help="also run the tests marked slow (the C sanitizer build and run, "
                          "which CI runs as its own step, .ci/steps/10-sanitizers.sh)")


def pytest_collection_modifyitems(config, items):
    """Tests marked slow are skipped, with the reason, unless --slow is given (or
    FASTACT_SLOW_TESTS=1): they take minutes each, and what they check has its
    own CI step."""
    if config.getoption("--slow") or os.environ.get("FASTACT_SLOW_TESTS", "") not in ("", "0"):
        return
    skip = pytest.mark.skip(reason="slow (its own CI step runs it); --slow runs it here")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _c_unavailable_reason(config):
    if config.getoption("--no-c-extensions"):
        return "--no-c-extensions given"
    if _backends.extensions_disabled():
        return "FASTACT_NO_EXTENSIONS is set"
    if _backends.compiled_module() is None:
        return _compiled_missing_reason()
    return None


def _shadowed_installation():
    """The directory of a fastact with a compiled extension that the imported
    (extension-less) one hides, e.g. a non-editable install hidden by the source
    tree that `python -m pytest` puts first on sys.path; else None."""
    here = Path(fastact.__file__).resolve().parent
    others = [p for p in sys.path if p and Path(p).resolve() != here.parent]
    spec = PathFinder.find_spec("fastact", others)
    if spec is None or spec.origin is None:
        return None
    there = Path(spec.origin).resolve().parent
    if there == here or not glob.glob(str(there / "_ufuncs*")):
        return None
    return there


def _compiled_missing_reason():
    shadowed = _shadowed_installation()
    if shadowed is not None:
        return (f"the source tree shadows the installed fastact ({shadowed}, which has the "
                "compiled extension); build in place (python setup.py build_ext --inplace) "
                "or run pytest from another directory")
    return _config.missing_reason()


def pytest_report_header(config):
    lines = [f"fastact {fastact.__version__} imported from "
             f"{Path(fastact.__file__).resolve().parent}"]
    reason = _c_unavailable_reason(config)
    if reason is not None:
        return lines + [f"fastact backends: python only (compiled skipped: {reason})"]
    mod = _backends.compiled_module()
    not_run = [lv for lv in mod.compiled_levels() if lv not in mod.simd_levels()]
    lines.append(f"fastact backends: c at SIMD levels {', '.join(mod.simd_levels())}"
                 + (f" ({', '.join(not_run)} compiled, not run by this CPU)" if not_run else "")
                 + ", and python")
    return lines


def _levels():
    mod = _backends.compiled_module()
    return mod.simd_levels() if mod is not None else ["baseline"]


def _backend_param(request, kind):
    if kind == "c":
        reason = _c_unavailable_reason(request.config)
        if reason:
            pytest.skip(reason)
    return _backends.namespace(kind)


@pytest.fixture(params=["c", "python"])
def fa(request):
    """The public API of one backend (compiled at its best SIMD level, or NumPy)."""
    return _backend_param(request, request.param)


def _modes():
    mod = _backends.compiled_module()
    return mod.accuracy_modes() if mod is not None else ["default"]


LEVEL_PARAMS = ["python"] + [f"c-{level}" + ("" if mode == "default" else f"-{mode}")
                              for level in _levels() for mode in _modes()]


@contextlib.contextmanager
def _at_level(config, param):
    """The backend namespace of one fa_level parameter, the compiled module set to
    its SIMD level and mode meanwhile (None: the compiled backend is unavailable)."""
    if param == "python":
        yield _backends.namespace("python")
        return
    if _c_unavailable_reason(config):
        yield None
        return
    mod = _backends.compiled_module()
    level, _, mode = param[2:].partition("-")
    before = mod.get_level(), mod.get_accuracy()
    mod.set_level(level)
    mod.set_accuracy(mode or "default")
    try:
        yield _backends.namespace("c")
    finally:
        mod.set_level(before[0])
        mod.set_accuracy(before[1])


@pytest.fixture(params=LEVEL_PARAMS)
def fa_level(request):
    """Like `fa`, but the compiled backend once per SIMD level this CPU runs and
    accuracy mode ("c-avx2" is the default mode, "c-avx2-high" the <= 1 ULP one)."""
    with _at_level(request.config, request.param) as ns:
        if ns is None:
            pytest.skip(_c_unavailable_reason(request.config))
        yield ns


@pytest.fixture
def each_level(request):
    """A generator of (label, namespace) over every fa_level parameter available
    here, for a test that computes something expensive once (a reference) and
    checks it at every level: the compiled module is at that level while the
    namespace is in use (until the next one is taken)."""
    def gen():
        for param in LEVEL_PARAMS:
            with _at_level(request.config, param) as ns:
                if ns is not None:
                    yield param, ns
    return gen


@pytest.fixture
def c_module(request):
    """The compiled extension module itself (skipped where it is not available)."""
    reason = _c_unavailable_reason(request.config)
    if reason:
        pytest.skip(reason)
    return _backends.compiled_module()


def require_extensions() -> bool:
    return os.environ.get("FASTACT_REQUIRE_EXTENSIONS", "") not in ("", "0")
