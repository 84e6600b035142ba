#!/usr/bin/env bash
# The distributions in $FASTACT_DIST (built by .ci/run): the sdist carries csrc/, the .pyx
# and everything the test suite needs; the wheel built from it carries no C/pyx sources
# but the stubs, py.typed, the licence and the build record.  Then the proof that no file
# is missing: the suite of the *unpacked sdist* runs against that wheel, installed into a
# fresh venv without a compiler (the suite itself may compile: the sanitizer test builds
# csrc/ from the sdist).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
python - "${FASTACT_DIST:?set by .ci/run}" <<'PY'
import glob, sys, tarfile, zipfile
out = sys.argv[1]
sdist = [n.split("/", 1)[1] for n in tarfile.open(glob.glob(f"{out}/*.tar.gz")[0]).getnames()
         if "/" in n]
wheel = zipfile.ZipFile(glob.glob(f"{out}/*.whl")[0]).namelist()
need = ["csrc/kernels.c", "csrc/activations.def", "csrc/act/sigmoid.h", "fastact/_ufuncs.pyx",
        "fastact/_type_errors.h", "tests/c/run_sanitizers.sh", "tests/c/sanitize_driver.c",
        "tests/conftest.py", "LICENSE"]
missing = [n for n in need if n not in sdist]
assert not missing, f"sdist lacks {missing}"
for generated in ("fastact/_ufuncs.c", "fastact/_build_info.py"):
    assert generated not in sdist, f"sdist carries the generated {generated}"
assert not [n for n in wheel if n.endswith((".c", ".pyx"))], "wheel carries C/pyx sources"
assert any(n.startswith("fastact/_ufuncs") and n.endswith((".so", ".pyd")) for n in wheel), \
    "wheel has no compiled extension"
for n in ("fastact/__init__.pyi", "fastact/_ufuncs.pyi", "fastact/py.typed",
          "fastact/_build_info.py", "fastact-0.1.0.dist-info/licenses/LICENSE"):
    assert n in wheel, f"wheel lacks {n}"
print(f"sdist: {len(sdist)} files, wheel: {len(wheel)} files; OK")
PY
tree=$(unpack_sdist "$(mktemp -d "${WORK:-/tmp}/sdist.XXXXXX")")
test_wheel "$(binary_wheel)" "$tree/tests"
