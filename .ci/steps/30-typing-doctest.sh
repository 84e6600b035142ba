#!/usr/bin/env bash
# Typing and doctests, against the *installed* fastact (run by .ci/run inside its
# venv, after the test suite):
#  1. mypy --strict on tests/typing_usage.py, against fastact/__init__.pyi (the
#     stub the package ships with py.typed), and mypy on the package itself
#  2. every docstring example (--doctest-modules over the installed package), on
#     the compiled backend and again on the NumPy fallback
# No fastact module imports an optional dependency (dask, xarray, matplotlib,
# tqdm) at import time, so nothing has to be excluded when those are missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"  # not the source tree: import the installed package

python -c "import fastact, sys; print('fastact from', fastact.__file__)"
# mypy resolves `fastact` from the source tree (an editable install is an import
# hook mypy cannot follow); the stub checked is the one that ships.
(cd "$ROOT" && python -m mypy --strict --cache-dir "$WORK/.mypy_cache" tests/typing_usage.py)
# the package's own code type-checks too (settings in pyproject.toml)
(cd "$ROOT" && python -m mypy --cache-dir "$WORK/.mypy_cache" fastact)

doctests() {
  python -m pytest -q -p no:cacheprovider -W error --doctest-modules --pyargs fastact
}
doctests
FASTACT_NO_EXTENSIONS=1 doctests
echo "typing and doctests: ok"
