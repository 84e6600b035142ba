#!/usr/bin/env bash
# Exhaustive float32 ULP sweep of every row of the C table (tests/c/ulp_sweep.c):
#   bash tests/c/run_ulp_sweep.sh [STRIDE [JOBS]]
# builds csrc with setup.py's flags and sweeps every level this CPU runs (LEVELS,
# space-separated, to choose) in both accuracy modes (MODES), every row or those
# in FUNCTIONS (comma-separated), one row at a time on JOBS threads (default 1:
# the machine is shared; 2 when it is quiet).  STRIDE 1 (the default) is all 2^32
# inputs: from ~1 min (piecewise rows) to a few minutes (exp-based ones) per row,
# level and mode on one core.  RESULTS=FILE keeps the records (default a temporary
# file): a rerun with the same file skips the rows already done there.  The
# undecided near-midpoint points are then settled by mpmath and the table printed
# (tests/c/ulp_sweep_settle.py; needs the venv).  The bounds (ulp_sweep.c's
# header) hold at the levels with FMA; x86-64's baseline has none and is only
# reported.  SAME_AS=LEVEL2 compares each swept level's outputs with LEVEL2's bit for
# bit instead (every input, no references: a few seconds per row; a level identical
# to a swept one has its figures).  Exit status 1 if a bound is exceeded (or, with
# SAME_AS, if any output differs).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STRIDE=${1:-1}
JOBS=${2:-1}
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cd "$ROOT"
RESULTS=${RESULTS:-$OUT/results.tsv}
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
$CC -O2 -Wall -Wextra -Werror -Icsrc tests/c/ulp_sweep.c "$OUT/dispatch.o" "${objs[@]}" -lm -lpthread -o "$OUT/ulp_sweep"
[ -n "${KEEP:-}" ] && cp "$OUT/ulp_sweep" "$KEEP"
fn=()
[ -n "${FUNCTIONS:-}" ] && fn=(--functions "$FUNCTIONS")
[ -n "${SAME_AS:-}" ] && fn+=(--same-as "$SAME_AS")
status=0
for l in "${sweep[@]}"; do
  for mode in ${MODES:-default high}; do
    "$OUT/ulp_sweep" "$l" "$mode" "$STRIDE" "$JOBS" --results "$RESULTS" ${fn[@]+"${fn[@]}"} 2>/dev/null \
      && rc=0 || rc=$?
    case $rc in
      0) ;;
      2) echo "level $l: not supported by this CPU, skipped" ;;
      *) status=1 ;;
    esac
  done
done
[ -n "${SAME_AS:-}" ] || python3 tests/c/ulp_sweep_settle.py "$RESULTS" || status=1
exit $status
