#!/usr/bin/env bash
# The rest of $FASTACT_DIST, each installed into a fresh venv with CC=false and tested
# with the unpacked sdist's suite: the binary wheel of every other CPython found here
# (the running one's is step 05's) with the core test files (FASTACT_SMOKE: the full
# suite ran on the source build), and the pure py3-none-any wheel on the
# fallback, likewise (the no-compiler job of .ci/run runs the full suite on it).
# Then pip's choice: offered both, it installs the binary wheel where one fits.  Every
# wheel is tested; any failure fails the step at the end.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
tree=$(unpack_sdist "$(mktemp -d "${WORK:-/tmp}/sdist.XXXXXX")")
running=$(binary_wheel)
export CC=false  # the sanitizer test ran in step 05; it does not depend on the wheel
failed=()
for wheel in "${FASTACT_DIST:?set by .ci/run}"/fastact-*-cp3*.whl; do
  [ "$wheel" != "$running" ] || continue
  v=$(basename "$wheel" | sed -E 's/.*-cp3([0-9]+)-.*/3.\1/')
  echo "== CPython $v: $(basename "$wheel")"
  pyv=$(find_python "$v") || { echo "no CPython $v here"; failed+=("cp$v"); continue; }
  PY=$pyv FASTACT_SMOKE=1 bash "$CI_DIR/test-wheel" "$wheel" "$tree/tests" \
    || failed+=("CPython $v")
done
echo "== pure wheel"
# the core files: the fallback's full suite runs in .ci/run's no-compiler job
FASTACT_REQUIRE_EXTENSIONS='' FASTACT_SMOKE=1 bash "$CI_DIR/test-wheel" \
  "$(ls "$FASTACT_DIST"/fastact-*-py3-none-any.whl)" "$tree/tests" || failed+=(pure)

pick=$(mktemp -d "${WORK:-/tmp}/pick.XXXXXX")
python -m pip download -q --no-deps --no-index --find-links "$FASTACT_DIST" -d "$pick" fastact
if [ "$(ls "$pick")" = "$(basename "$running")" ]; then
  echo "pip picks $(ls "$pick") over the pure wheel; OK"
else
  echo "pip picked $(ls "$pick"), not $(basename "$running")"; failed+=(pip-choice)
fi
[ ${#failed[@]} -eq 0 ] || { echo "wheel tests failed: ${failed[*]}"; exit 1; }
