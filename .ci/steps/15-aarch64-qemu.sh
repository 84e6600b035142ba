#!/usr/bin/env bash
# CI step: the C core on aarch64 (NEON), cross-compiled and run under qemu-user.
# tests/c/run_sanitizers.sh with an aarch64 cross compiler: every csrc/*.c with
# -Wall -Wextra -Werror (kernels.c at the baseline level, which is NEON there, and
# as the scalar-FMA reference), then the driver under qemu: memory and alignment
# checks, NEON bit-identical to the scalar-FMA table, and NEON against long-double
# references within the ULP budgets.
# Without sanitizers: ASan and UBSan do run under qemu-user (LeakSanitizer does
# not), but they make the emulated driver 2-5x slower (1-3.5 minutes against ~35 s
# on a loaded 2-core machine); the x86 step 10-sanitizers.sh runs the same C under
# both, and the driver's own guard and exact-size checks still run here.
# Skips (exit 0) only when apt cannot install the cross toolchain or qemu (no
# network); any compile error or mismatch fails the step.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(dirname "$0")/../.."

CROSS_CC=aarch64-linux-gnu-gcc
SYSROOT=/usr/aarch64-linux-gnu
if ! command -v "$CROSS_CC" >/dev/null || ! command -v qemu-aarch64 >/dev/null ||
   [ ! -e "$SYSROOT/lib/libc.so.6" ]; then
  if ! apt_install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user; then
    tail -n 5 /tmp/fastact-apt.log
    echo "aarch64-qemu: could not install gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-user; skipped"
    exit 0
  fi
fi

CC=$CROSS_CC RUN="qemu-aarch64 -L $SYSROOT" SANITIZE=none \
  exec bash tests/c/run_sanitizers.sh
