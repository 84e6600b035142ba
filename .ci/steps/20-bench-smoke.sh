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
python -m pytest "$ROOT/bench" -q -p no:cacheprovider --rootdir "$ROOT" -n 0 \
  --bench-quick --benchmark-disable
# every SIMD level and accuracy mode, value and fused: the side-by-side and ratio tables
python -m fastact bench --quick --rounds 1 --target 0.001 -f sigmoid,leaky_relu --levels all \
  --accuracy default,high --ops and_derivative,value --markdown
# instructions per element under callgrind (one function: valgrind's start-up dominates)
if command -v valgrind >/dev/null; then
  python -m fastact bench --quick --rounds 1 --target 0.001 -f sigmoid -d float32 \
    --peers none --instructions
else
  echo "valgrind not installed: --instructions not smoke-tested"
fi
