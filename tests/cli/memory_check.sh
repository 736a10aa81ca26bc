#!/usr/bin/env bash
# Peak-memory check of `bluecarbon indices` on a large synthetic scene, measured by GNU time on the real
# executable (a fresh process, so the figure is the command's own).
#   memory_check.sh EXE WORKDIR SIZE LIMIT_MB
# The scene is written once into WORKDIR and reused by later runs (it is input data, not what is measured).
set -euo pipefail
exe="$1"; work="$2"; size="$3"; limit_mb="$4"
scene="$work/scene_$size"
mkdir -p "$work"
if [ ! -f "$scene/reflectance.tif" ]; then
  rm -rf "$scene"
  "$exe" sample --synthetic --size "$size" --out "$scene" --quiet >/dev/null
fi
rm -rf "$work/out"
/usr/bin/time -v -o "$work/time.txt" "$exe" indices --input "$scene/reflectance.tif" --index ndvi,mvi \
  --out "$work/out" --quiet --json > "$work/indices.json"
kb=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$work/time.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$work/time.txt")
rm -rf "$work/out"
mb=$((kb / 1024))
echo "bluecarbon indices ndvi,mvi on ${size} x ${size}: peak RSS ${mb} MB (limit ${limit_mb} MB), wall ${wall}"
[ "$mb" -lt "$limit_mb" ]
