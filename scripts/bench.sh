#!/usr/bin/env bash
# Benchmarks. 1. `bluecarbon indices` NDVI (uint16 DEFLATE in -> float32 out) against gdal_calc.py computing the
# same NDVI with the same output options, on a synthetic scene written by `bluecarbon sample --synthetic`.
# Prints Mpixel/s, peak RSS (GNU time) and the speed-up, plus peak RSS on a small vs the large scene, and
# writes everything to bench/results.json (bench/ is not committed). 2. `bluecarbon stock` (rules, tidal mask,
# all pools) against numpy + GDAL doing the same arithmetic and against `bluecarbon indices` on the same scene
# (scripts/bench_stock.sh; bench/stock_results.json). --no-stock skips the second.
#
#   scripts/bench.sh [--size 10000] [--small-size 2000] [--runs 3] [--threads N] [--tile PIXELS] [--no-stock]
#                    [--clean]
#
# The synthetic scenes are kept in bench/work/ between runs (--clean removes them at the end).
#
# Targets on 2 cores: indices >= 3x gdal_calc's throughput, peak RSS <= 300 MB, RSS(large) <= 1.3 x RSS(small);
# stock >= 2x numpy's, peak RSS <= 400 MB, time <= 2x indices'.
set -euo pipefail
cd "$(dirname "$0")/.."

size=10000
small=2000
runs=3
threads=""
tile=""
clean=0
stock=1
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --small-size) small="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --tile) tile="$2"; shift 2 ;;
    --clean) clean=1; shift ;;
    --no-stock) stock=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

scripts/setup.sh
scripts/build.sh release >/dev/null
bc="$PWD/build/release/bin/bluecarbon"
work="$PWD/bench/work"
mkdir -p "$work"

gen() {  # gen SIZE: writes the synthetic scene of SIZE x SIZE once (kept between runs of this script)
  local n="$1" dir="$work/scene_$1"
  if [ ! -f "$dir/reflectance.tif" ]; then
    echo "bench: writing a ${n} x ${n} synthetic scene to $dir" >&2
    rm -rf "$dir"
    local t0 t1
    t0=$(date +%s%N)
    "$bc" sample --synthetic --size "$n" --out "$dir" --quiet ${threads:+--threads "$threads"}
    t1=$(date +%s%N)
    awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f\n", ns / 1e9 }' > "$dir/.generate_seconds"
  fi
}
gen "$size"
gen "$small"
gen_seconds=$(cat "$work/scene_$size/.generate_seconds" 2>/dev/null || true)

/usr/bin/python3 scripts/bench_indices.py --exe "$bc" --scene "$work/scene_$size" --small-scene "$work/scene_$small" \
  --work "$work/out" --runs "$runs" ${threads:+--threads "$threads"} ${tile:+--tile "$tile"} \
  ${gen_seconds:+--generate-seconds "$gen_seconds"} --results bench/results.json

rm -rf "$work/out"
if [ "$stock" -eq 1 ]; then
  scripts/bench_stock.sh --scene "$work/scene_$size" --runs "$runs" --bin "$bc" ${threads:+--threads "$threads"}
fi
scripts/bench_zonal.sh --scene "$work/scene_$size" --runs "$runs" --bin "$bc" ${threads:+--threads "$threads"}
if [ "$clean" -eq 1 ]; then rm -rf "$work"; fi
if [ "$stock" -eq 1 ]; then echo "bench: results in bench/results.json and bench/stock_results.json"
else echo "bench: results in bench/results.json"; fi
