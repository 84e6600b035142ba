"""The C core under AddressSanitizer + UndefinedBehaviorSanitizer, and csrc
warning-free: builds and runs tests/c/run_sanitizers.sh (the same script as the
CI step .ci/steps/10-sanitizers.sh).  Skipped where there is no C compiler or
no sanitizer runtime."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent / "c" / "run_sanitizers.sh"


@pytest.mark.slow   # minutes: CI runs the script as its own step; --slow runs it here
def test_c_core_under_sanitizers():
    cc = os.environ.get("CC", "cc")
    if os.name != "posix" or shutil.which("bash") is None:
        pytest.skip("needs a POSIX shell")
    if shutil.which(cc) is None or subprocess.run([cc, "--version"], capture_output=True).returncode:
        pytest.skip(f"no working C compiler ({cc})")
    if not (SCRIPT.parent.parent.parent / "csrc").is_dir():
        pytest.skip("csrc/ is not next to the tests (installed tests only)")
    proc = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=900)
    if proc.returncode == 77:
        pytest.skip(proc.stdout.strip().splitlines()[-1])
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-8000:]
    assert "all kernels and ufunc loops passed" in proc.stdout
