#!/usr/bin/env bash
# The distributions in $FASTACT_DIST (built by .ci/run with .ci/build-wheels): their
# listings (.ci/check_dists.py), then the proof that no file is missing and that the
# wheel needs no compiler: the core files of the *unpacked sdist*'s suite
# (FASTACT_SMOKE: the API over every activation, values at every level, parity, dtype
# rules, errors, generated files; the whole suite, ~19,000 tests, already ran on the
# source build) against the running Python's manylinux wheel, installed into a fresh
# venv with CC=false.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
python "$CI_DIR/check_dists.py" "${FASTACT_DIST:?set by .ci/run}"
tree=$(unpack_sdist "$(mktemp -d "${WORK:-/tmp}/sdist.XXXXXX")")
FASTACT_SMOKE=1 bash "$CI_DIR/test-wheel" "$(binary_wheel)" "$tree/tests"
