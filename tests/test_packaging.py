"""Backend selection, environment switches and installation metadata."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import fastact
from fastact import _backends
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


# ---- why the compiled backend is missing (issue 11 item 8; the header: item 11) -----
# setup.py writes fastact/_build_info.py at build time; these tests run the real CLI
# and show_config() on a copy of the package's Python files (no extension) with a
# build record of their choosing.

FAKE_REASON = "CompileError: Command 'false' returned non-zero exit status 1."


def _extensionless_copy(root, build_info):
    """root/fastact: the imported package's .py files, no extension, and this
    build record (None: no record, as in a source tree never built)."""
    src = Path(fastact.__file__).parent
    dst = root / "fastact"
    dst.mkdir(parents=True)
    for f in src.rglob("*.py"):
        if f.name != "_build_info.py":
            (dst / f.relative_to(src)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, dst / f.relative_to(src))
    if build_info is not None:
        (dst / "_build_info.py").write_text(build_info)
    return root


# An editable install's import hook (setuptools' _EditableFinder, on sys.meta_path) would
# still serve fastact._ufuncs from the checkout to an extensionless copy, whose own path
# search fails: this sitecustomize removes such hooks, so the copy is the only fastact.
NO_EDITABLE_HOOKS = """import sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
"""


def _run_in(root, args, pythonpath=None):
    """Run Python in root with only root's fastact (or pythonpath's) importable."""
    isolate = root / "_no_editable_hooks"
    isolate.mkdir(exist_ok=True)
    (isolate / "sitecustomize.py").write_text(NO_EDITABLE_HOOKS)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(isolate), str(pythonpath or root)]))
    env.pop("FASTACT_NO_EXTENSIONS", None)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          env=env, cwd=root, timeout=120)


def _backend_lines(root):
    """The backend line of --version, show_config() and demo, in that order."""
    outs = [_run_in(root, ["-m", "fastact", "--version"]),
            _run_in(root, ["-c", "import fastact; fastact.show_config()"]),
            _run_in(root, ["-m", "fastact", "demo", "-n", "1000", "--repeat", "1"])]
    for r in outs:
        assert r.returncode == 0, r.stderr
    return [next(line.strip() for line in r.stdout.splitlines() if "backend: " in line)
            for r in outs]


def test_failed_build_reason_is_shown(tmp_path):
    root = _extensionless_copy(tmp_path, f"EXTENSION_BUILT = False\nREASON = {FAKE_REASON!r}\n")
    want = f"backend: python (C extension not built: {FAKE_REASON})"
    assert _backend_lines(root) == [want] * 3


def test_missing_build_record_is_shown(tmp_path):
    root = _extensionless_copy(tmp_path, None)
    from fastact._config import NO_BUILD_RECORD
    want = f"backend: python (C extension not built: {NO_BUILD_RECORD})"
    assert _backend_lines(root) == [want] * 3


def test_built_but_not_importable_shows_import_error(tmp_path):
    # the record says built, but the .so is gone: the import error is the reason
    root = _extensionless_copy(tmp_path, "EXTENSION_BUILT = True\nREASON = None\n")
    want = ("backend: python (C extension not built: "
            "ModuleNotFoundError: No module named 'fastact._ufuncs')")
    assert _backend_lines(root) == [want] * 3


def test_version_names_backend():
    r = subprocess.run([sys.executable, "-m", "fastact", "--version"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"fastact {fastact.__version__}"
    if fastact.BACKEND == "c":
        assert lines[1:] == ["backend: c"]
    else:
        assert lines[1].startswith("backend: python (C extension not ")


def test_no_extensions_env_reason(c_module):
    r = _python("import fastact; fastact.show_config()", FASTACT_NO_EXTENSIONS="1")
    assert r.returncode == 0, r.stderr
    assert "backend: python (C extension not used: FASTACT_NO_EXTENSIONS is set)" in r.stdout


def test_header_names_shadowing_source_tree(tmp_path, c_module):
    # A "source tree" without the extension, run as `python -m pytest` from its root
    # (which puts the root first on sys.path), hides an installed fastact that has
    # it: the header must say so instead of silently testing the fallback.
    src = _extensionless_copy(tmp_path / "src", None)
    (src / "tests").mkdir()
    shutil.copy(Path(__file__).with_name("conftest.py"), src / "tests" / "conftest.py")
    (src / "tests" / "test_one.py").write_text("def test_one():\n    pass\n")
    installed = Path(c_module.__file__).parent.parent
    r = _run_in(src, ["-m", "pytest", "-p", "no:cacheprovider", "tests"], pythonpath=installed)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"fastact {fastact.__version__} imported from {src.resolve() / 'fastact'}" in r.stdout
    assert ("fastact backends: python only (compiled skipped: the source tree shadows the "
            f"installed fastact ({installed.resolve() / 'fastact'}, which has the compiled "
            "extension)") in r.stdout


def test_header_lists_backends_and_levels(request):
    import conftest
    lines = conftest.pytest_report_header(request.config)
    assert lines[0] == f"fastact {fastact.__version__} imported from " \
        f"{Path(fastact.__file__).resolve().parent}"
    mod = _backends.compiled_module()
    if mod is None or _backends.extensions_disabled():
        assert lines[1].startswith("fastact backends: python only (compiled skipped: ")
    else:
        assert lines[1].startswith(
            f"fastact backends: c at SIMD levels {', '.join(mod.simd_levels())}")
        assert lines[1].endswith(", and python")
