#!/usr/bin/env bash
# The sdist carries csrc/ and the .pyx; a wheel built from that sdist (what `python -m
# build` does) compiles with FASTACT_REQUIRE_EXTENSIONS=1 and carries no generated C.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python -m pip install -q build
FASTACT_REQUIRE_EXTENSIONS=1 python -m build -o "$out" . >"$out/build.log" 2>&1 \
  || { tail -40 "$out/build.log"; exit 1; }
python - "$out" <<'PY'
import glob, sys, tarfile, zipfile
out = sys.argv[1]
sdist = tarfile.open(glob.glob(f"{out}/*.tar.gz")[0]).getnames()
wheel = zipfile.ZipFile(glob.glob(f"{out}/*.whl")[0]).namelist()
need = ["csrc/kernels.c", "csrc/activations.def", "csrc/act/sigmoid.h", "fastact/_ufuncs.pyx",
        "fastact/_type_errors.h"]
missing = [n for n in need if not any(s.endswith(n) for s in sdist)]
assert not missing, f"sdist lacks {missing}"
assert not any(s.endswith("_ufuncs.c") for s in sdist), "sdist carries generated C"
assert not [n for n in wheel if n.endswith((".c", ".pyx"))], "wheel carries C/pyx sources"
assert any(n.startswith("fastact/_ufuncs") and n.endswith((".so", ".pyd")) for n in wheel), \
    "wheel has no compiled extension"
print(f"sdist: {len(sdist)} files, wheel: {len(wheel)} files; OK")
PY
