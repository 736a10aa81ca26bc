#!/usr/bin/env bash
# Benchmark of `bluecarbon stock` (rules + tidal mask + all pools) against a numpy + GDAL pipeline doing the same
# arithmetic (scripts/bench_stock.py), on the same synthetic scene, in the same run, and against
# `bluecarbon indices` on the same scene: NDVI alone, and the three indices the benchmark's rules read
# (ndvi, mndwi, mvi). Every command runs --runs times (interleaved, so a noisy spell hits all of them); the
# figures are medians of wall time (GNU time), with peak RSS the largest seen. Prints the table and the ratios
# and writes bench/stock_results.json. Called from scripts/bench.sh; runs on its own too:
#   scripts/bench_stock.sh [--size N] [--scene DIR] [--threads N] [--runs 3] [--bin PATH]
# With --scene, the folder must hold reflectance.tif and dem.tif of a synthetic scene (`bluecarbon sample
# --synthetic`); otherwise the scene is generated with `bluecarbon sample --synthetic --size N`.
# Targets (issue 5, 10000^2, 2 cores): >= 2x numpy's speed, peak RSS <= 400 MB, time <= 2x indices'.
set -euo pipefail
cd "$(dirname "$0")/.."
size=10000
scene=""
threads=$(nproc)
bin=""
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --scene) scene="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "bench_stock: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$bin" ]; then
  scripts/build.sh release >/dev/null
  bin=build/release/bin/bluecarbon
fi
work=bench/stock
mkdir -p "$work"
if [ -z "$scene" ]; then
  scene="bench/scene_$size"
  [ -f "$scene/reflectance.tif" ] || "$bin" sample --synthetic --size "$size" --out "$scene" --quiet
fi
scene=$(cd "$scene" && pwd)
grid="$(pwd)/grids/egm96_15_china.gtx"

cat > "$scene/stock_bench.toml" <<TOML
[project]
name = "stock-bench"
climate_zone = "subtropical"
output = "$(pwd)/$work/bluecarbon"
[inputs.reflectance]
path = "reflectance.tif"
bands = { green = 1, red = 2, nir = 3, swir1 = 4 }
[inputs.dem]
path = "dem.tif"
heights = "ellipsoidal"
vertical_unit = "m"
[tidal]
mllw_m = -2.3
mhhw_m = 2.2
hat_m = 3.0
geoid_grid = "$grid"
[habitat]
source = "rules"
fallback = "other"
TOML
# The rules: the sample project's own rule set (one copy, in src/sample/sample_project_toml.cpp).
awk '/^std::string sample_habitat_rules_toml\(\) \{/{f=1; next} f && /^\)";/{exit} f' src/sample/sample_project_toml.cpp |
  sed '1s/^    return R"(//' >> "$scene/stock_bench.toml"
grep -q "^\[\[habitat.rules\]\]" "$scene/stock_bench.toml" || { echo "bench_stock: no rules found in the sample" >&2; exit 1; }

measure() {  # label, command...: appends "seconds rss_mb" to $work/<label>.runs
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/$label.time" "$@" >"$work/$label.out" 2>"$work/$label.err" || {
    cat "$work/$label.err" >&2; echo "bench_stock: $label failed" >&2; exit 1; }
  awk '{printf "%s %.0f\n", $1, $2/1024}' "$work/$label.time" >> "$work/$label.runs"
}
median_of() {  # label: prints "median_seconds max_rss_mb"
  sort -n "$work/$1.runs" | awk '{s[NR]=$1; if ($2>m) m=$2} END {
    med = NR % 2 ? s[(NR+1)/2] : (s[NR/2] + s[NR/2+1]) / 2; printf "%.2f %d\n", med, m }'
}
pixels=$(/usr/bin/python3 -c "from osgeo import gdal; d=gdal.Open('$scene/reflectance.tif'); print(d.RasterXSize*d.RasterYSize)")
rm -f "$work"/*.runs
for ((run = 1; run <= runs; run++)); do
  echo "bench_stock: run $run of $runs" >&2
  measure bluecarbon "$bin" stock "$scene/stock_bench.toml" --threads "$threads" --quiet
  measure numpy /usr/bin/python3 scripts/bench_stock.py "$scene" "$work/numpy" "$grid"
  measure indices_ndvi "$bin" indices --input "$scene/reflectance.tif" --index ndvi --out "$work/indices" \
    --threads "$threads" --quiet
  measure indices_rules "$bin" indices --input "$scene/reflectance.tif" --index ndvi,mndwi,mvi \
    --out "$work/indices" --threads "$threads" --quiet
done
read -r bc_s bc_rss < <(median_of bluecarbon)
read -r np_s np_rss < <(median_of numpy)
read -r ix_s ix_rss < <(median_of indices_ndvi)
read -r ir_s ir_rss < <(median_of indices_rules)
mpx=$(awk -v p="$pixels" 'BEGIN{printf "%.2f", p/1e6}')
ratio=$(awk -v a="$np_s" -v b="$bc_s" 'BEGIN{printf "%.2f", a/b}')
vs_ndvi=$(awk -v a="$bc_s" -v b="$ix_s" 'BEGIN{printf "%.2f", a/b}')
vs_rules=$(awk -v a="$bc_s" -v b="$ir_s" 'BEGIN{printf "%.2f", a/b}')
rate() { awk -v p="$mpx" -v s="$1" 'BEGIN{printf "%.1f", p/s}'; }
printf 'stock bench: %s Mpixel, %s threads, median of %s runs\n' "$mpx" "$threads" "$runs"
printf '  bluecarbon stock                     %7.2f s  %6s Mpixel/s  peak RSS %5d MB\n' "$bc_s" "$(rate "$bc_s")" "$bc_rss"
printf '  numpy + GDAL (same arithmetic)       %7.2f s  %6s Mpixel/s  peak RSS %5d MB\n' "$np_s" "$(rate "$np_s")" "$np_rss"
printf '  bluecarbon indices ndvi              %7.2f s  %6s Mpixel/s  peak RSS %5d MB\n' "$ix_s" "$(rate "$ix_s")" "$ix_rss"
printf '  bluecarbon indices ndvi,mndwi,mvi    %7.2f s  %6s Mpixel/s  peak RSS %5d MB\n' "$ir_s" "$(rate "$ir_s")" "$ir_rss"
printf '  speed-up vs numpy %sx (target >= 2); stock / indices: %s vs ndvi, %s vs the rules'"'"' three indices\n' \
  "$ratio" "$vs_ndvi" "$vs_rules"
mkdir -p bench
cat > bench/stock_results.json <<JSON
{"mpixels": $mpx, "threads": $threads, "runs": $runs,
 "bluecarbon_stock": {"median_seconds": $bc_s, "peak_rss_mb": $bc_rss},
 "numpy_gdal": {"median_seconds": $np_s, "peak_rss_mb": $np_rss},
 "bluecarbon_indices_ndvi": {"median_seconds": $ix_s, "peak_rss_mb": $ix_rss},
 "bluecarbon_indices_ndvi_mndwi_mvi": {"median_seconds": $ir_s, "peak_rss_mb": $ir_rss},
 "speedup_vs_numpy": $ratio, "stock_over_indices_ndvi": $vs_ndvi, "stock_over_indices_ndvi_mndwi_mvi": $vs_rules}
JSON
