#!/usr/bin/env bash
# Memory safety and bit-exactness of the C core:
#  1. every csrc/*.c compiles with -Wall -Wextra -Werror, with setup.py's flags
#     (kernels.c once per ISA level, and once more as the scalar-FMA reference);
#  2. tests/c/sanitize_driver.c, linked with all of csrc built under
#     -fsanitize=address,undefined -fno-sanitize-recover=all, runs clean: memory
#     safety, every FMA level bit-identical to the scalar-FMA table, accuracy
#     against long-double references.
# Exit 0: passed; 77: no sanitizer runtime here (skipped); anything else: failed.
# CC picks the compiler (default cc) and with it the target (`$CC -dumpmachine`:
# x86_64 or aarch64; a cross compiler works).  RUN prefixes every run of a built
# program (e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu", see
# .ci/steps/15-aarch64-qemu.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cd "$ROOT"

WARN=(-Wall -Wextra -Werror)
FLOAT=(-O3 -ffp-contract=off -fno-trapping-math)   # as setup.py compiles the kernels
# SANITIZE: which sanitizers (default both); "none" runs the same checks without
# (the qemu step: emulated, the instrumented driver is several times slower).
SANITIZE=${SANITIZE:-address,undefined}
SAN=(-fsanitize="$SANITIZE" -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
[ "$SANITIZE" != none ] || SAN=(-g)

TARGET=$($CC -dumpmachine)
read -r -a RUNNER <<< "${RUN:-}"
# The levels, their flags and dispatch.c's defines: csrc/levels.def, by its reader.
levels_py() { python3 csrc/levels.py "$@"; }
names=$(levels_py names "$TARGET")            # separate lines: set -e sees a failure
defines=$(levels_py defines "$TARGET")
read -r -a levels <<< "$names"
read -r -a defs <<< "$defines"   # for dispatch.c only
# scalar_fma: kernels.c forced to simd/scalar.h (one lane of plain C) with the
# FMA of the levels it is the bit-exact reference for; not auto-vectorised, so it
# is the plain C semantics whatever the vectoriser does.
levels+=(scalar_fma)
level_flags() {
  case $1 in
    scalar_fma)
      # FV_LUT4_CHEAP=1: the reference runs the default mode's own algorithms (with the
      # table read by selects), as the vector levels do, not the high ones scalar.h
      # would otherwise put in its default table.  The FMA: the first FMA level's
      # flags (x86-64: avx2's), none where the baseline has it (aarch64).
      echo "$(levels_py fma-flags "$TARGET") -DFA_SIMD_SCALAR=1 -DFV_LUT4_CHEAP=1 -fno-tree-vectorize" ;;
    *) levels_py flags "$1" ;;
  esac
}
driver_defs=()
case " ${levels[*]} " in *" scalar_fma "*) driver_defs=(-DFA_HAVE_SCALAR_FMA_TABLE=1) ;; esac
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

# The compiles run side by side (kernels.c is ~20 s of gcc -O3 per level, more with
# the sanitizers), then are waited for together: any that failed fails the script.
pids=()
spawn() { "$@" & pids+=("$!"); }
reap() {
  local p rc=0
  for p in ${pids[@]+"${pids[@]}"}; do wait "$p" || rc=1; done
  pids=()
  return "$rc"
}

echo "== csrc with -Wall -Wextra -Werror ($CC, $TARGET)"
for l in "${levels[@]}"; do
  # shellcheck disable=SC2046
  spawn $CC "${FLOAT[@]}" "${WARN[@]}" $(level_flags "$l") -DFA_LEVEL="$l" -Icsrc \
      -c csrc/kernels.c -o "$OUT/warn_kernels_$l.o"
done
for f in dispatch ufunc_glue pool; do
  spawn $CC -O3 "${WARN[@]}" ${defs[@]+"${defs[@]}"} -Icsrc -c "csrc/$f.c" -o "$OUT/warn_$f.o"
done

echo 'int main(void){return 0;}' > "$OUT/probe.c"
if ! $CC "${SAN[@]}" "$OUT/probe.c" -o "$OUT/probe" 2>/dev/null ||
   ! ${RUNNER[@]+"${RUNNER[@]}"} "$OUT/probe"; then
  reap || { echo "csrc does not compile warning-free"; exit 1; }
  echo "sanitizers: $CC cannot build or run -fsanitize=$SANITIZE here; skipped"
  exit 77
fi

echo "== sanitizer build (-fsanitize=$SANITIZE)"
objs=()
for l in "${levels[@]}"; do
  # shellcheck disable=SC2046
  spawn $CC "${FLOAT[@]}" "${WARN[@]}" "${SAN[@]}" $(level_flags "$l") -DFA_LEVEL="$l" -Icsrc \
      -c csrc/kernels.c -o "$OUT/kernels_$l.o"
  objs+=("$OUT/kernels_$l.o")
done
for f in dispatch ufunc_glue pool; do
  spawn $CC -O2 "${WARN[@]}" "${SAN[@]}" ${defs[@]+"${defs[@]}"} -Icsrc -c "csrc/$f.c" -o "$OUT/$f.o"
  objs+=("$OUT/$f.o")
done
reap || { echo "csrc does not compile (warning-free, with and without sanitizers)"; exit 1; }
$CC -O1 "${WARN[@]}" "${SAN[@]}" ${driver_defs[@]+"${driver_defs[@]}"} -Icsrc \
    tests/c/sanitize_driver.c "${objs[@]}" -lm -pthread -o "$OUT/sanitize_driver"

echo "== sanitizer run"
${RUNNER[@]+"${RUNNER[@]}"} "$OUT/sanitize_driver"

echo "== the thread pool (tests/c/pool_driver.c)"
$CC -O1 "${WARN[@]}" "${SAN[@]}" -Icsrc tests/c/pool_driver.c "$OUT/pool.o" -pthread \
    -o "$OUT/pool_driver"
if [ -z "${RUN:-}" ]; then
  "$OUT/pool_driver"
else
  # qemu-user's own thread handling aborts on it (an assertion in qemu's TCG,
  # cpu_exec: cpu == current_cpu, with several threads forking): built, not run;
  # the pool is the same C on every target, and runs natively above and in the suite
  echo "under emulation ($RUN): the pool driver is built, not run"
fi
# data races: ThreadSanitizer where it builds and runs (not under qemu); fork() with
# threads is what the driver tests, so TSan must not die at it
TSAN=(-fsanitize=thread -g -O1)
if [ "$SANITIZE" != none ] && [ -z "${RUN:-}" ] &&
   $CC "${TSAN[@]}" "$OUT/probe.c" -o "$OUT/probe_tsan" 2>/dev/null && "$OUT/probe_tsan"; then
  $CC "${WARN[@]}" "${TSAN[@]}" -Icsrc tests/c/pool_driver.c csrc/pool.c -pthread \
      -o "$OUT/pool_driver_tsan"
  TSAN_OPTIONS=${TSAN_OPTIONS:-die_after_fork=0:halt_on_error=1} "$OUT/pool_driver_tsan"
else
  echo "ThreadSanitizer not available here: the pool's race check skipped"
fi
