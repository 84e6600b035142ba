#!/usr/bin/env bash
# Exhaustive float32 ULP sweep of softplus and log_sigmoid (tests/c/sweep_softplus.c):
#   LEVELS="avx2 baseline" bash tests/c/run_sweep_softplus.sh [STRIDE [THREADS]]
# builds csrc with setup.py's float flags (as run_ulp_sweep.sh does) and sweeps each
# level in the accuracy modes MODES (default: both; without a separate high kernel
# the "high" table holds the same loops).  STRIDE 1 (the default) is all 2^32 inputs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STRIDE=${1:-1}
THREADS=${2:-$(nproc 2>/dev/null || echo 2)}
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cd "$ROOT"
FLOAT=(-O3 -ffp-contract=off -fno-trapping-math)
read -r -a levels <<< "${LEVELS:-avx2 baseline}"
objs=()
defs=()
for l in "${levels[@]}"; do
  case $l in
    avx2) f=(-mavx2 -mfma); defs+=(-DFA_COMPILED_AVX2=1) ;;
    *) f=() ;;
  esac
  $CC "${FLOAT[@]}" ${f[@]+"${f[@]}"} -DFA_LEVEL="$l" -Icsrc -c csrc/kernels.c -o "$OUT/k_$l.o"
  objs+=("$OUT/k_$l.o")
done
$CC -O2 ${defs[@]+"${defs[@]}"} -Icsrc -c csrc/dispatch.c -o "$OUT/dispatch.o"
$CC -O2 -Icsrc tests/c/sweep_softplus.c "$OUT/dispatch.o" "${objs[@]}" -lm -lpthread \
    -o "$OUT/sweep"
for l in "${levels[@]}"; do
  for mode in ${MODES:-default high}; do
    "$OUT/sweep" "$l" "$mode" "$STRIDE" "$THREADS"
  done
done
