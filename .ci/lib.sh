# Shell helpers shared by .ci/run, its steps and .ci/build-wheels (source this file).
# Needs PY (the Python that makes the venvs; default python3).

PY=${PY:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

make_venv() {
  "$PY" -m venv "$1"
  "$1/bin/python" -m pip install -q --upgrade pip
}

# check_build_log LOG: a build log must carry no packaging deprecation warning (setuptools
# names them SetuptoolsDeprecationWarning, or BuildBackendWarning for pyproject keys):
# they announce builds that will stop working.
check_build_log() {
  if grep -nE "SetuptoolsDeprecationWarning|BuildBackendWarning|is deprecated" "$1"; then
    echo "packaging deprecation warning in the build log $1"
    exit 1
  fi
}

# test_wheel WHEEL TESTS [PIP_REQUIREMENT...]: install WHEEL with its [test] extra (and
# e.g. numpy==1.23.5) into a fresh venv with no compiler (CC=false: nothing may build from
# source), then run the suite in TESTS against that installed wheel from a scratch
# directory, so no source tree can shadow it.  The suite runs with the caller's
# environment (set FASTACT_REQUIRE_EXTENSIONS=1 for a binary wheel).
test_wheel() {
  local wheel=$1 tests=$2 dir
  shift 2
  dir=$(mktemp -d "${WORK:-${TMPDIR:-/tmp}}/test-wheel.XXXXXX")
  make_venv "$dir/venv"
  CC=false CXX=false "$dir/venv/bin/python" -m pip install -q --only-binary=:all: \
    "$wheel[test]" "$@"
  (
    cd "$dir"
    ./venv/bin/python - "$dir/venv" <<'PY'
import os, sys, fastact
where = os.path.realpath(fastact.__file__)
assert where.startswith(os.path.realpath(sys.argv[1])), f"fastact imported from {where}"
fastact.show_config()
PY
    ./venv/bin/python -m pytest "$tests" -p no:cacheprovider
  )
  rm -rf "$dir"  # on failure, the caller's WORK trap removes it
}

# unpack_sdist DEST: unpack $FASTACT_DIST's sdist into DEST; prints the unpacked tree's path.
unpack_sdist() {
  local sdist
  sdist=$(ls "${FASTACT_DIST:?set by .ci/run}"/fastact-*.tar.gz)
  tar -xzf "$sdist" -C "$1"
  echo "$1/$(basename "$sdist" .tar.gz)"
}

# binary_wheel: $FASTACT_DIST's binary wheel for the running Python.
binary_wheel() {
  local tag
  tag=$(python -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')
  ls "${FASTACT_DIST:?set by .ci/run}"/fastact-*-"$tag"-"$tag"-*.whl
}

# oldest_numpy: the oldest NumPy release with wheels for the running Python (fastact
# promises NumPy >= 1.23; 1.23.5 installs on CPython <= 3.11).
oldest_numpy() {
  python -c 'import sys; print({(3, 12): "1.26.4", (3, 13): "2.1.0"}.get(sys.version_info[:2], "1.23.5"))'
}
