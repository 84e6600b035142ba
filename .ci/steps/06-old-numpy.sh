#!/usr/bin/env bash
# fastact promises NumPy >= 1.23 at run time: the binary wheel in $FASTACT_DIST, installed
# into a fresh venv with the oldest NumPy that installs (1.23.5 on Python <= 3.11), runs the
# suite (both backends) from the unpacked sdist.  CC=false skips the sanitizer test, which
# does not depend on NumPy and ran in the sdist step.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
tree=$(unpack_sdist "$(mktemp -d "${WORK:-/tmp}/sdist.XXXXXX")")
# the core files (FASTACT_SMOKE: the API, values, parity, dtype rules, errors): what
# depends on NumPy's version; the full suite runs on the current NumPy
CC=false FASTACT_SMOKE=1 bash "$CI_DIR/test-wheel" "$(binary_wheel)" "$tree/tests" \
  "numpy==$(oldest_numpy)"
