"""Backend selection, environment switches and installation metadata."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import fastact
from conftest import require_extensions


def _python(code, **env_extra):
    env = dict(os.environ, **env_extra)
    for key in [k for k, v in env_extra.items() if v is None]:
        env.pop(key)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60)


def test_required_extension_is_really_used():
    # FASTACT_REQUIRE_EXTENSIONS=1 (CI's compiled job) must never pass on the fallback
    if require_extensions():
        assert fastact.BACKEND == "c", "built with FASTACT_REQUIRE_EXTENSIONS but running Python"
    else:
        assert fastact.BACKEND in ("c", "python")


def test_no_extensions_env_forces_fallback():
    r = _python("import fastact, numpy as np; print(fastact.BACKEND, "
                "isinstance(fastact.sigmoid, np.ufunc))", FASTACT_NO_EXTENSIONS="1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["python", "False"]


def test_simd_env_forces_level(c_module):
    for level in c_module.simd_levels():
        r = _python("from fastact import _backends; print(_backends.compiled_module().get_level())",
                    FASTACT_SIMD=level)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == level
    r = _python("import fastact", FASTACT_SIMD="no-such-level")
    assert r.returncode != 0 and "not available" in r.stderr


def test_set_level_round_trip(c_module):
    before = c_module.get_level()
    try:
        for level in c_module.simd_levels():
            c_module.set_level(level)
            assert c_module.get_level() == level
        with pytest.raises(ValueError, match="not available"):
            c_module.set_level("avx9000")
    finally:
        c_module.set_level(before)
    assert "baseline" in c_module.simd_levels()
    assert c_module.best_level() == c_module.simd_levels()[-1]


def test_show_config(capsys):
    fastact.show_config()
    out = capsys.readouterr().out
    assert f"backend: {fastact.BACKEND}" in out
    assert fastact.__version__ in out
    if fastact.BACKEND == "c":
        assert "simd_level" in out and "compiler" in out


def test_cli_help_lists_subcommands():
    r = subprocess.run([sys.executable, "-m", "fastact", "--help"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0 and "demo" in r.stdout


def test_typed_package_markers():
    from importlib import resources
    files = {p.name for p in resources.files("fastact").iterdir()}
    assert "py.typed" in files
