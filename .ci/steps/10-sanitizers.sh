#!/usr/bin/env bash
# CI step: csrc builds warning-free (-Wall -Wextra -Werror) and the C core runs
# clean under AddressSanitizer + UndefinedBehaviorSanitizer (tests/c/).
# A machine without the sanitizer runtimes fails this step (exit 77) rather
# than passing silently.
set -euo pipefail
exec bash "$(dirname "$0")/../../tests/c/run_sanitizers.sh"
