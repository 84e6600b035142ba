# Shell helpers shared by .ci/run, its steps and .ci/build-wheels (source this file).
# Needs PY (the Python that makes the venvs; default python3).

PY=${PY:-python3}
CI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

make_venv() {
  "$PY" -m venv "$1"
  "$1/bin/python" -m pip install -q --upgrade pip
}

# check_build_log LOG: a build log must carry no packaging deprecation warning: they
# announce builds that will stop working.  setuptools names them
# SetuptoolsDeprecationWarning, or says "deprecated" in a BuildBackendWarning (pyproject
# keys; other BuildBackendWarnings, e.g. "Editable installation", are only notes); pip
# says DEPRECATION.
check_build_log() {
  if grep -nE "SetuptoolsDeprecationWarning|[Dd]eprecat|DEPRECATION" "$1"; then
    echo "packaging deprecation warning in the build log $1"
    exit 1
  fi
}

# find_python 3.N: the interpreter for CPython 3.N: pyenv's build if there is one, else
# python3.N on PATH; only one that has its C headers (Python.h) counts.
find_python() {
  local v=$1 cand
  for cand in "$(pyenv root 2>/dev/null)"/versions/"$v".*/bin/python"$v" "$(command -v "python$v" || true)"; do
    [ -x "$cand" ] || continue
    if "$cand" -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
        2>/dev/null; then
      echo "$cand"
      return 0
    fi
  done
  return 1
}

# unpack_sdist DEST: unpack $FASTACT_DIST's sdist into DEST; prints the unpacked tree's path.
unpack_sdist() {
  local sdist
  sdist=$(ls "${FASTACT_DIST:?set by .ci/run}"/fastact-*.tar.gz)
  tar -xzf "$sdist" -C "$1"
  echo "$1/$(basename "$sdist" .tar.gz)"
}

# binary_wheel [PYTHON]: $FASTACT_DIST's binary wheel for PYTHON (default: the running one).
binary_wheel() {
  local tag
  tag=$("${1:-python}" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
  ls "${FASTACT_DIST:?set by .ci/run}"/fastact-*-"$tag"-"$tag"-*.whl
}

# oldest_numpy: the oldest NumPy release with wheels for the running Python (fastact
# promises NumPy >= 1.23; 1.23.5 installs on CPython <= 3.11).
oldest_numpy() {
  python -c 'import sys; print({(3, 12): "1.26.4", (3, 13): "2.1.0"}.get(sys.version_info[:2], "1.23.5"))'
}

# apt_install PKG...: installs Debian packages (sudo where not root); fails, quietly
# (its log in /tmp/fastact-apt.log), where apt cannot (no network, not Debian)
apt_install() {
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  { $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
  } >/tmp/fastact-apt.log 2>&1
}

# use_ccache: compile through ccache where it is (or can be) installed.  A build's
# compile time is mostly the kernels (csrc/kernels.c once per SIMD level), which do not
# depend on the Python version: the wheel builds after the first reuse them.  Each
# build runs in its own unpacked sdist, hence NOHASHDIR (the debug info's directory is
# all it changes, and the wheels are stripped).  The cache lives in $WORK.
use_ccache() {
  command -v ccache >/dev/null || apt_install ccache || {
    echo "ccache not available: every build compiles everything"; return 0; }
  export CC="ccache ${CC:-gcc}" CCACHE_DIR="${WORK:?}/ccache" CCACHE_NOHASHDIR=1
}
