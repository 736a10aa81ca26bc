#!/usr/bin/env bash
# Benchmark of `bluecarbon stock` (rules + tidal mask + all pools) against a numpy + GDAL pipeline doing the same
# arithmetic (scripts/bench_stock.py), on the same synthetic scene, in the same run. Prints wall time, Mpixel/s
# and peak RSS (GNU time) of each, the ratio, and `bluecarbon indices` (ndvi) on the same scene for reference;
# writes bench/stock_results.json. Called from scripts/bench.sh; runs on its own too:
#   scripts/bench_stock.sh [--size N] [--scene DIR] [--threads N] [--bin PATH]
# With --scene, the folder must hold reflectance.tif and dem.tif of a synthetic scene (`bluecarbon sample
# --synthetic`); otherwise the scene is generated with `bluecarbon sample --synthetic --size N`.
set -euo pipefail
cd "$(dirname "$0")/.."
size=10000
scene=""
threads=$(nproc)
bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --scene) scene="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
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
[[habitat.rules]]
habitat = "aquaculture_pond"
when = "mndwi > 0.3 && supratidal"
[[habitat.rules]]
habitat = "mangrove"
when = "mvi > otsu(mvi) && ndvi > 0.5 && intertidal"
[[habitat.rules]]
habitat = "salt_marsh"
when = "ndvi > 0.3 && intertidal"
[[habitat.rules]]
habitat = "seagrass"
when = "mndwi > 0.2 && ndvi > 0.05 && intertidal"
[[habitat.rules]]
habitat = "tidal_flat"
when = "intertidal"
[[habitat.rules]]
habitat = "water"
when = "subtidal || ndvi < 0"
[[habitat.rules]]
habitat = "forest"
when = "ndvi > 0.6 && supratidal"
TOML

measure() {  # label, command...: prints "seconds rss_mb"
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/$label.time" "$@" >"$work/$label.out" 2>"$work/$label.err"
  awk '{printf "%s %.0f\n", $1, $2/1024}' "$work/$label.time"
}
pixels=$(python3 -c "from osgeo import gdal; d=gdal.Open('$scene/reflectance.tif'); print(d.RasterXSize*d.RasterYSize)" 2>/dev/null \
  || /usr/bin/python3 -c "from osgeo import gdal; d=gdal.Open('$scene/reflectance.tif'); print(d.RasterXSize*d.RasterYSize)")
read -r bc_s bc_rss < <(measure bluecarbon "$bin" stock "$scene/stock_bench.toml" --threads "$threads" --quiet)
read -r np_s np_rss < <(measure numpy /usr/bin/python3 scripts/bench_stock.py "$scene" "$work/numpy" "$grid")
read -r ix_s ix_rss < <(measure indices "$bin" indices --input "$scene/reflectance.tif" --index ndvi --out "$work/indices" --threads "$threads" --quiet)
mpx=$(awk -v p="$pixels" 'BEGIN{printf "%.2f", p/1e6}')
ratio=$(awk -v a="$np_s" -v b="$bc_s" 'BEGIN{printf "%.2f", a/b}')
vs_indices=$(awk -v a="$bc_s" -v b="$ix_s" 'BEGIN{printf "%.2f", a/b}')
printf 'stock bench: %s Mpixel, %s threads\n' "$mpx" "$threads"
printf '  bluecarbon stock   %7.1f s  %7.1f Mpixel/s  peak RSS %5d MB\n' "$bc_s" "$(awk -v p="$mpx" -v s="$bc_s" 'BEGIN{print p/s}')" "$bc_rss"
printf '  numpy + GDAL       %7.1f s  %7.1f Mpixel/s  peak RSS %5d MB\n' "$np_s" "$(awk -v p="$mpx" -v s="$np_s" 'BEGIN{print p/s}')" "$np_rss"
printf '  bluecarbon indices %7.1f s  (ndvi, reference)\n' "$ix_s"
printf '  speed-up vs numpy %sx (target >= 2), stock/indices time %s (target <= 2), RSS target <= 400 MB\n' "$ratio" "$vs_indices"
mkdir -p bench
cat > bench/stock_results.json <<JSON
{"mpixels": $mpx, "threads": $threads,
 "bluecarbon_stock": {"seconds": $bc_s, "peak_rss_mb": $bc_rss},
 "numpy_gdal": {"seconds": $np_s, "peak_rss_mb": $np_rss},
 "bluecarbon_indices_ndvi": {"seconds": $ix_s, "peak_rss_mb": $ix_rss},
 "speedup_vs_numpy": $ratio, "stock_over_indices": $vs_indices}
JSON
