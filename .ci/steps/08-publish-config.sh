#!/usr/bin/env bash
# The publishing configuration this machine cannot run (no Docker, macOS or Windows),
# checked by the tools that will: [tool.cibuildwheel] against cibuildwheel's own schema
# (validate-pyproject's cibuildwheel plugin, so a misspelt key fails), the builds it
# selects for each platform and architecture we publish, and the workflow file against
# the GitHub workflow schema.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$CI_DIR/.."
tools=$(mktemp -d "${WORK:-/tmp}/publish-tools.XXXXXX")
make_venv "$tools"
"$tools/bin/python" -m pip install -q "validate-pyproject[all]" cibuildwheel check-jsonschema
"$tools/bin/validate-pyproject" pyproject.toml
"$tools/bin/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/wheels.yml
ids() { "$tools/bin/cibuildwheel" --print-build-identifiers --platform "$1" --archs "$2"; }
want() {  # want PLATFORM ARCHS COUNT ID...: that many builds, these among them
  local got n
  got=$(ids "$1" "$2")
  n=$(echo "$got" | grep -c .)
  [ "$n" = "$3" ] || { echo "cibuildwheel selects $n builds for $1 $2, expected $3:"; echo "$got"; exit 1; }
  for id in "${@:4}"; do
    echo "$got" | grep -qx "$id" || { echo "cibuildwheel does not build $id"; exit 1; }
  done
}
want linux x86_64,aarch64 20 cp39-manylinux_x86_64 cp313-manylinux_aarch64 \
  cp39-musllinux_x86_64 cp313-musllinux_aarch64
want macos x86_64,arm64 10 cp39-macosx_x86_64 cp313-macosx_arm64
want windows AMD64 5 cp39-win_amd64 cp313-win_amd64
echo "cibuildwheel and workflow configuration: OK"
