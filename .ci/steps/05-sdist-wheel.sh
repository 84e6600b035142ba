#!/usr/bin/env bash
# The distributions in $FASTACT_DIST (built by .ci/run with .ci/build-wheels): their
# listings (.ci/check_dists.py), then the proof that no file is missing and that the
# wheel needs no compiler: the suite of the *unpacked sdist* runs against the running
# Python's manylinux wheel, installed into a fresh venv with CC=false (the suite itself
# may compile: the sanitizer test builds csrc/ from the sdist).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
python "$CI_DIR/check_dists.py" "${FASTACT_DIST:?set by .ci/run}"
tree=$(unpack_sdist "$(mktemp -d "${WORK:-/tmp}/sdist.XXXXXX")")
bash "$CI_DIR/test-wheel" "$(binary_wheel)" "$tree/tests"
