#!/usr/bin/env bash
# Configures and builds a preset (default: release) into build/<preset>. Used by test.sh, demo.sh and bench.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -- -j"$(nproc)"
