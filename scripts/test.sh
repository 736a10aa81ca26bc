#!/usr/bin/env bash
# Installs what is missing, builds (Release, with tests) and runs the whole suite with ctest.
#   scripts/test.sh            all tests
#   scripts/test.sh -R core    ctest arguments pass through
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release
ctest --preset release -j"$(nproc)" "$@"
