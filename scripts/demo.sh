#!/usr/bin/env bash
# Builds the `bluecarbon` executable only (not the tests: minutes, not a quarter of an hour), runs the committed
# sample project (samples/xiangshan, the Xiangshan coast of Ningbo) end to end with `bluecarbon run` into
# out/demo, and prints a summary: parcels, credits, lots and the path of the report.
#   scripts/demo.sh [OUTDIR]      (default: out/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "== building the bluecarbon executable (Release)"
cmake --preset release >/dev/null
cmake --build --preset release --target bluecarbon_exe -- -j"$(nproc)" >/dev/null
bc="$PWD/build/release/bin/bluecarbon"
out="${1:-out/demo}"
rm -rf "$out"

echo "== bluecarbon run samples/xiangshan/project.toml --output $out"
"$bc" run samples/xiangshan/project.toml --output "$out"

echo
echo "Outputs in $out: stock maps, parcels.gpkg, credits.csv, certificates/, registry.db, lots.csv, run.json"
echo "Open the report: $out/report.html"
