#!/usr/bin/env bash
# Memory safety of the C core:
#  1. every csrc/*.c compiles with -Wall -Wextra -Werror, with setup.py's flags
#     (kernels.c once per ISA level);
#  2. tests/c/sanitize_driver.c, linked with all of csrc built under
#     -fsanitize=address,undefined -fno-sanitize-recover=all, runs clean.
# Exit 0: passed; 77: no sanitizer runtime here (skipped); anything else: failed.
# CC picks the compiler (default cc).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cd "$ROOT"

WARN=(-Wall -Wextra -Werror)
FLOAT=(-O3 -ffp-contract=off -fno-trapping-math)   # as setup.py compiles the kernels
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g)

levels=(baseline)
defs=()
case "$(uname -m)" in
  x86_64|amd64)
    levels+=(avx2 avx512)
    defs=(-DFA_COMPILED_AVX2=1 -DFA_COMPILED_AVX512=1) ;;   # for dispatch.c only
esac
level_flags() {
  case $1 in
    avx2) echo "-mavx2 -mfma" ;;
    avx512) echo "-mavx512f -mavx512dq -mavx512vl -mavx512bw -mavx2 -mfma -mprefer-vector-width=512" ;;
  esac
}

echo "== csrc with -Wall -Wextra -Werror ($CC)"
for l in "${levels[@]}"; do
  # shellcheck disable=SC2046
  $CC "${FLOAT[@]}" "${WARN[@]}" $(level_flags "$l") -DFA_LEVEL="$l" -Icsrc \
      -c csrc/kernels.c -o "$OUT/warn_kernels_$l.o"
done
for f in dispatch ufunc_glue; do
  $CC -O3 "${WARN[@]}" ${defs[@]+"${defs[@]}"} -Icsrc -c "csrc/$f.c" -o "$OUT/warn_$f.o"
done

echo 'int main(void){return 0;}' > "$OUT/probe.c"
if ! $CC "${SAN[@]}" "$OUT/probe.c" -o "$OUT/probe" 2>/dev/null || ! "$OUT/probe"; then
  echo "sanitizers: $CC cannot build or run -fsanitize=address,undefined here; skipped"
  exit 77
fi

echo "== sanitizer build"
objs=()
for l in "${levels[@]}"; do
  # shellcheck disable=SC2046
  $CC "${FLOAT[@]}" "${WARN[@]}" "${SAN[@]}" $(level_flags "$l") -DFA_LEVEL="$l" -Icsrc \
      -c csrc/kernels.c -o "$OUT/kernels_$l.o"
  objs+=("$OUT/kernels_$l.o")
done
for f in dispatch ufunc_glue; do
  $CC -O2 "${WARN[@]}" "${SAN[@]}" ${defs[@]+"${defs[@]}"} -Icsrc -c "csrc/$f.c" -o "$OUT/$f.o"
  objs+=("$OUT/$f.o")
done
$CC -O1 "${WARN[@]}" "${SAN[@]}" -Icsrc tests/c/sanitize_driver.c "${objs[@]}" -lm \
    -o "$OUT/sanitize_driver"

echo "== sanitizer run"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$OUT/sanitize_driver"
