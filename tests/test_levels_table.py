"""csrc/levels.def is the only list of SIMD levels: its consumers (setup.py, the
reader the C test scripts run, the compiled module's enum and dispatch, show_config,
the accuracy targets) must agree with it and with each other."""
from __future__ import annotations

import importlib.util
import platform
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from fastact import _backends, _config

ROOT = Path(__file__).resolve().parents[1]
READER = ROOT / "csrc" / "levels.py"
X86_64 = platform.machine().lower() in ("x86_64", "amd64")

needs_c = pytest.mark.skipif(_backends.compiled_module() is None,
                             reason="the compiled extension is not built")
# the installed-wheel run copies tests/ alone; a source tree must have the reader
needs_source = pytest.mark.skipif(not (ROOT / "setup.py").exists(),
                                  reason="needs the source tree (csrc/, setup.py)")


@pytest.fixture(scope="module")
def reader():
    spec = importlib.util.spec_from_file_location("_levels_reader", READER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def setup_py():
    """setup.py's namespace, run without building anything: setuptools.setup is a
    no-op and FASTACT_NO_EXTENSIONS keeps it from cythonizing."""
    import setuptools

    mp = pytest.MonkeyPatch()
    mp.setattr(setuptools, "setup", lambda **kw: None)
    mp.setenv("FASTACT_NO_EXTENSIONS", "1")
    mp.chdir(ROOT)
    try:
        yield runpy.run_path(str(ROOT / "setup.py"))
    finally:
        mp.undo()


def _compiled_rows():
    return [lv for lv in _backends.require_compiled().levels() if lv["compiled"]]


@needs_c
@needs_source
def test_setup_py_builds_the_compiled_levels(setup_py):
    x86_64 = setup_py["_targets_x86_64"]()
    rows = _compiled_rows()
    for compiler, key in (("unix", "cflags"), ("msvc", "msvc_flags")):
        _, flags = setup_py["kernel_flags"](compiler, x86_64)
        assert flags == {lv["name"]: lv[key] for lv in rows}
    defines = setup_py["_compiled_defines"](setup_py["target_levels"](x86_64))
    assert defines == [f"FA_COMPILED_{lv['name']}" for lv in rows if lv["name"] != "baseline"]


@needs_c
@needs_source
def test_compiled_module_has_every_row(reader):
    rows = reader.read()
    got = _backends.require_compiled().levels()
    assert [lv["name"] for lv in got] == [r.name for r in rows]
    for lv, r in zip(got, rows):
        assert (lv["arch"], lv["cflags"], lv["msvc_flags"], lv["cpu_features"]) == \
            (r.arch, list(r.cflags), list(r.msvc_flags), list(r.cpu_features))
        if r.has_fma in ("0", "1"):
            assert lv["has_fma"] == (r.has_fma == "1")


@needs_c
def test_has_fma_per_level():
    """Independent of the table: the baseline fuses on aarch64 only; every x86-64
    level beyond it is built with -mfma."""
    by_name = {lv["name"]: lv for lv in _backends.require_compiled().levels()}
    assert by_name["baseline"]["has_fma"] == (platform.machine().lower() in ("aarch64", "arm64"))
    for lv in by_name.values():
        if lv["arch"] == "x86_64":
            assert lv["has_fma"] == ("-mfma" in lv["cflags"])


@needs_c
def test_show_config_and_accuracy_targets_follow_the_table():
    from fastact._accuracy import report

    mod = _backends.require_compiled()
    info = _config.config()
    assert info["simd_compiled"] == mod.compiled_levels() == [lv["name"] for lv in _compiled_rows()]
    assert info["simd_available"] == mod.simd_levels()
    fma = [lv["name"] for lv in _compiled_rows() if lv["has_fma"]]
    assert info["simd_fma"] == fma and list(report.TARGET_LEVELS) == fma
    if X86_64:
        assert report.TARGET_LEVELS == ("avx2", "avx512")


def _cpuinfo_flags():
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), None)
    return set(line.split(":", 1)[1].split()) if line else None


@needs_c
@pytest.mark.skipif(not X86_64 or _cpuinfo_flags() is None,
                    reason="checks CPUID dispatch against Linux's /proc/cpuinfo on x86-64")
def test_dispatch_runs_the_levels_the_cpu_has():
    """dispatch.c's feature checks against the kernel's view of the CPU."""
    flags = _cpuinfo_flags()
    mod = _backends.require_compiled()
    want = [lv["name"] for lv in _compiled_rows() if set(lv["cpu_features"]) <= flags]
    assert mod.simd_levels() == want
    assert [lv["name"] for lv in mod.levels() if lv["supported"]] == want
    assert mod.best_level() == want[-1]


def _run_reader(*args):
    r = subprocess.run([sys.executable, str(READER), *args], capture_output=True, text=True,
                       timeout=60)
    return r.returncode, r.stdout.split(), r.stderr


@needs_c
@needs_source
def test_shell_reader_lists_the_compiled_levels():
    """What tests/c/run_sanitizers.sh and run_ulp_sweep.sh read."""
    rows = _compiled_rows()
    machine = platform.machine()
    assert _run_reader("names", machine) == (0, [lv["name"] for lv in rows], "")
    assert _run_reader("defines", machine)[1] == [
        f"-DFA_COMPILED_{lv['name']}=1" for lv in rows if lv["name"] != "baseline"]
    for lv in rows:
        assert _run_reader("flags", lv["name"])[1] == lv["cflags"]
    want_fma = next((lv["cflags"] for lv in rows if lv["cflags"] and lv["has_fma"]), [])
    assert _run_reader("fma-flags", machine)[1] == want_fma


@needs_source
def test_reader_target_names(reader):
    assert [lv.name for lv in reader.for_target("x86_64-linux-gnu")] == \
        [lv.name for lv in reader.for_target("amd64")] == ["baseline", "avx2", "avx512"]
    assert [lv.name for lv in reader.for_target("aarch64-linux-gnu")] == ["baseline"]
    assert reader.fma_flags("aarch64-linux-gnu") == ()
    assert reader.fma_flags("x86_64-linux-gnu") == ("-mavx2", "-mfma")


@needs_source
def test_reader_errors(reader, tmp_path):
    bad = tmp_path / "levels.def"
    bad.write_text(READER.with_name("levels.def").read_text()
                   + 'FA_SIMD_LEVEL(neon2, aarch64, 1, "-march=x", "")\n')
    with pytest.raises(ValueError, match="1 FA_SIMD_LEVEL row"):
        reader.read(bad)
    rc, out, err = _run_reader("flags", "no_such_level")
    assert rc != 0 and "no level 'no_such_level'" in err and "Traceback" not in err
    rc, out, err = _run_reader("bogus", "x")
    assert rc == 2 and err.startswith("usage:")
