#!/usr/bin/env bash
# Benchmark smoke run: proves the benchmark suite and `python -m fastact bench`
# work (tiny sizes, each benchmark run once); it measures nothing.  Well under
# 2 minutes; peers that are not installed are skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# pytest-benchmark comes with the [test] extra.  From a scratch directory, so the installed fastact is the one imported.
cd "$TMP"
python -m pytest "$ROOT/bench" -q -p no:cacheprovider --rootdir "$ROOT" \
  --bench-quick --benchmark-disable
python -m fastact bench --quick --rounds 2 --target 0.001 --levels all
