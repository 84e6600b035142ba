"""One fixture, parametrised over the compiled and the pure-NumPy backend, like
multidict's: every test that takes `fa` runs on both.  `--no-c-extensions`
(or FASTACT_NO_EXTENSIONS=1) skips the compiled side."""
from __future__ import annotations

import os

import pytest

from fastact import _backends


def pytest_addoption(parser):
    parser.addoption("--no-c-extensions", action="store_true", default=False,
                     help="run only the pure-NumPy backend")


def _c_unavailable_reason(config):
    if config.getoption("--no-c-extensions"):
        return "--no-c-extensions given"
    if _backends.extensions_disabled():
        return "FASTACT_NO_EXTENSIONS is set"
    if _backends.compiled_module() is None:
        return "the compiled extension is not installed"
    return None


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


@pytest.fixture(params=["python"] + [f"c-{level}" + ("" if mode == "default" else f"-{mode}")
                                     for level in _levels() for mode in _modes()])
def fa_level(request):
    """Like `fa`, but the compiled backend once per SIMD level this CPU runs and
    accuracy mode ("c-avx2" is the default mode, "c-avx2-high" the <= 1 ULP one)."""
    if request.param == "python":
        yield _backend_param(request, "python")
        return
    ns = _backend_param(request, "c")
    mod = _backends.compiled_module()
    level, _, mode = request.param[2:].partition("-")
    before = mod.get_level(), mod.get_accuracy()
    mod.set_level(level)
    mod.set_accuracy(mode or "default")
    try:
        yield ns
    finally:
        mod.set_level(before[0])
        mod.set_accuracy(before[1])


@pytest.fixture
def c_module(request):
    """The compiled extension module itself (skipped where it is not available)."""
    reason = _c_unavailable_reason(request.config)
    if reason:
        pytest.skip(reason)
    return _backends.compiled_module()


def require_extensions() -> bool:
    return os.environ.get("FASTACT_REQUIRE_EXTENSIONS", "") not in ("", "0")
