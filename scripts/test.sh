#!/usr/bin/env bash
# Installs what is missing, builds (Release, with tests) and runs the whole suite with ctest.
#   scripts/test.sh              all tests
#   scripts/test.sh -R core      ctest arguments pass through
#   scripts/test.sh --with-asan  then also builds the asan preset (AddressSanitizer + UBSan) and runs the whole
#                                suite under it (CI does this through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
asan=0
if [[ "${1:-}" == "--with-asan" ]]; then
    asan=1
    shift
fi
scripts/setup.sh
scripts/build.sh release
ctest --preset release -j"$(nproc)" "$@"
if [[ $asan == 1 ]]; then
    scripts/build.sh asan
    # The peak-memory test measures a Release build (and is only registered there); sanitizers double memory.
    ctest --preset asan -j"$(nproc)" -E '^cli\.memory\.' "$@"
fi
