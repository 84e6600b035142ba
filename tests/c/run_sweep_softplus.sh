#!/usr/bin/env bash
# Exhaustive float32 ULP sweep of softplus and log_sigmoid (tests/c/sweep_softplus.c):
#   LEVELS="avx2 baseline" bash tests/c/run_sweep_softplus.sh [STRIDE [THREADS]]
# builds csrc with setup.py's float flags (as run_ulp_sweep.sh does; KEEP=PATH keeps the
# binary) and sweeps each
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
# dispatch.c needs every level it was told about: build baseline and avx2, sweep LEVELS
builds=(baseline)
defs=()
case "$(uname -m)" in
  x86_64|amd64) builds+=(avx2); defs=(-DFA_COMPILED_AVX2=1) ;;
esac
read -r -a levels <<< "${LEVELS:-${builds[*]}}"
objs=()
for l in "${builds[@]}"; do
  f=()
  [ "$l" = avx2 ] && f=(-mavx2 -mfma)
  $CC "${FLOAT[@]}" ${f[@]+"${f[@]}"} -DFA_LEVEL="$l" -Icsrc -c csrc/kernels.c -o "$OUT/k_$l.o"
  objs+=("$OUT/k_$l.o")
done
$CC -O2 ${defs[@]+"${defs[@]}"} -Icsrc -c csrc/dispatch.c -o "$OUT/dispatch.o"
$CC -O2 -Icsrc tests/c/sweep_softplus.c "$OUT/dispatch.o" "${objs[@]}" -lm -lpthread \
    -o "$OUT/sweep"
[ -n "${KEEP:-}" ] && cp "$OUT/sweep" "$KEEP"
for l in "${levels[@]}"; do
  for mode in ${MODES:-default high}; do
    "$OUT/sweep" "$l" "$mode" "$STRIDE" "$THREADS"
  done
done
