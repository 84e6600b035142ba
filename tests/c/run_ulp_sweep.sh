#!/usr/bin/env bash
# Exhaustive float32 ULP sweep of the sigmoid/tanh kernels (tests/c/ulp_sweep.c):
#   bash tests/c/run_ulp_sweep.sh [STRIDE [THREADS]]
# (SWEEP=tests/c/ulp_sweep_explinear.c sweeps family B's kernels instead)
# builds csrc with setup.py's flags and sweeps every level this CPU runs (LEVELS,
# space-separated, to choose), in both accuracy modes.  STRIDE 1 (the default) is
# all 2^32 inputs: a few minutes per FMA level and mode on 2 cores.  The bounds
# (2 ULP default, 1 ULP high) hold at the levels with FMA; x86-64's baseline has
# none and is only reported.  Exit status 1 if a bound is exceeded.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STRIDE=${1:-1}
THREADS=${2:-$(nproc 2>/dev/null || echo 2)}
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cd "$ROOT"
FLOAT=(-O3 -ffp-contract=off -fno-trapping-math)
objs=()
# the levels, their flags and dispatch.c's defines: csrc/levels.def, by its reader
names=$(python3 csrc/levels.py names "$(uname -m)")
defines=$(python3 csrc/levels.py defines "$(uname -m)")
read -r -a levels <<< "$names"
read -r -a defs <<< "$defines"
sweep=("${levels[@]}")
[ -n "${LEVELS:-}" ] && read -r -a sweep <<< "$LEVELS"
for l in "${levels[@]}"; do
  # shellcheck disable=SC2046
  $CC "${FLOAT[@]}" $(python3 csrc/levels.py flags "$l") -DFA_LEVEL="$l" -Icsrc -c csrc/kernels.c -o "$OUT/k_$l.o"
  objs+=("$OUT/k_$l.o")
done
$CC -O2 ${defs[@]+"${defs[@]}"} -Icsrc -c csrc/dispatch.c -o "$OUT/dispatch.o"
$CC -O2 -Icsrc "${SWEEP:-tests/c/ulp_sweep.c}" "$OUT/dispatch.o" "${objs[@]}" -lm -lpthread -o "$OUT/ulp_sweep"
status=0
for l in "${sweep[@]}"; do
  for mode in default high; do
    # the default bounds; report only at a level without FMA (ulp_sweep.c asks dispatch)
    "$OUT/ulp_sweep" "$l" "$mode" "$STRIDE" "$THREADS" 2>/dev/null && rc=0 || rc=$?
    case $rc in
      0) ;;
      2) echo "level $l: not supported by this CPU, skipped" ;;
      *) status=1 ;;
    esac
  done
done
exit $status
