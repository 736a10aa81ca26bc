#!/usr/bin/env bash
# Benchmark of `bluecarbon zonal --stats sum,mean,count` (exact coverage fractions) over the synthetic scene's
# parcels (5,000 star-shaped parcels with holes, and 50,000) on its float32 raster (dem.tif), against:
#   - a GDAL-rasterize + numpy bincount script (scripts/bench_zonal_bincount.py; pixel centres, a weaker method),
#   - exactextract's default strategy when `exactextract` is on PATH (it is no Debian package: skipped otherwise).
# Every command runs --runs times, interleaved; figures are medians of wall time and the largest peak RSS, both
# from GNU time -v. Prints the table and the ratios and writes bench/zonal_results.json. Called from
# scripts/bench.sh; runs on its own too:
#   scripts/bench_zonal.sh [--size 10000] [--scene DIR] [--many 50000] [--threads N] [--runs 3] [--bin PATH]
# --scene: a folder written by `bluecarbon sample --synthetic`; otherwise the scene is written to
# bench/zonal/scene_<size>. Parcel files missing from it (parcels.gpkg, parcels_<many>.gpkg) come from another
# synthetic run of the same size and are kept there.
# Targets (issue 12, 10000^2, 2 cores): >= 2.5x the bincount script, >= 1.5x exactextract, peak RSS <= 250 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
size=10000
scene=""
many=50000
threads=$(nproc)
bin=""
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --scene) scene="$2"; shift 2 ;;
    --many) many="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "bench_zonal: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$bin" ]; then
  scripts/build.sh release >/dev/null
  bin=build/release/bin/bluecarbon
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=bench/zonal
mkdir -p "$work"
[ -n "$scene" ] || scene="$work/scene_$size"
if [ ! -f "$scene/dem.tif" ]; then
  echo "bench_zonal: writing a ${size} x ${size} synthetic scene with 5000 parcels to $scene" >&2
  "$bin" sample --synthetic --size "$size" --out "$scene" --quiet --threads "$threads"
fi
scene=$(cd "$scene" && pwd)
size=$(/usr/bin/python3 -c "from osgeo import gdal; print(gdal.Open('$scene/dem.tif').RasterXSize)")
parcels_of() {  # parcels_of COUNT FILE: the synthetic parcels of this size (a second synthetic run), kept in the scene
  [ -f "$scene/$2" ] && return 0
  echo "bench_zonal: writing $1 parcels (a synthetic run of the same size) to $scene/$2" >&2
  rm -rf "$work/gen"
  "$bin" sample --synthetic --size "$size" --parcels "$1" --out "$work/gen" --quiet --threads "$threads"
  mv "$work/gen/parcels.gpkg" "$scene/$2"
  rm -rf "$work/gen"
}
parcels_of 5000 parcels.gpkg
parcels_of "$many" "parcels_$many.gpkg"
n_few=$(/usr/bin/python3 -c "from osgeo import ogr; print(ogr.Open('$scene/parcels.gpkg').GetLayer(0).GetFeatureCount())")

run() {  # run LABEL CMD...: one timed run, appended to $work/LABEL.runs as "seconds rss_mb"
  local label="$1"; shift
  /usr/bin/time -v -o "$work/$label.time" "$@" >"$work/$label.out" 2>"$work/$label.err" || {
    echo "bench_zonal: $label failed:" >&2; tail -5 "$work/$label.err" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
              /User time|System time/ { cpu += $2 }
              /Maximum resident set size/ { rss = $2 / 1024 }
              END { printf "%.3f %.0f %.3f\n", s, rss, cpu }' "$work/$label.time" >> "$work/$label.runs"
}
median_of() {  # LABEL: prints "median_seconds max_rss_mb cpu_seconds" (CPU: user + system, all threads, of the median run)
  sort -n "$work/$1.runs" | awk '{ s[NR] = $1; c[NR] = $3; if ($2 > m) m = $2 }
    END { h = int((NR + 1) / 2); printf "%.3f %d %.3f\n", s[h], m, c[h] }'
}

ee=""
if command -v exactextract >/dev/null 2>&1; then ee=$(command -v exactextract); fi
labels="bluecarbon_few bincount_few bluecarbon_many bincount_many"
[ -n "$ee" ] && labels="$labels exactextract_few exactextract_many"
for l in $labels; do rm -f "$work/$l.runs"; done
for r in $(seq "$runs"); do
  echo "bench_zonal: run $r of $runs" >&2
  for set in few many; do
    p="$scene/parcels.gpkg"; [ "$set" = many ] && p="$scene/parcels_$many.gpkg"
    run "bluecarbon_$set" "$bin" zonal --raster "$scene/dem.tif" --polygons "$p" --id id --stats sum,mean,count \
      --out "$work/bluecarbon_$set.csv" --threads "$threads" --quiet
    run "bincount_$set" /usr/bin/python3 scripts/bench_zonal_bincount.py --raster "$scene/dem.tif" --polygons "$p" \
      --id id --out "$work/bincount_$set.csv"
    if [ -n "$ee" ]; then
      run "exactextract_$set" "$ee" -r "v:$scene/dem.tif" -p "$p" -f id -s "sum(v)" -s "mean(v)" -s "count(v)" \
        -o "$work/exactextract_$set.csv"
    fi
  done
done

# Agreement: the exact and the pixel-centre sums differ only along the boundaries.
agree=$(/usr/bin/python3 - "$work/bluecarbon_few.csv" "$work/bincount_few.csv" <<'PY'
import csv, sys, statistics
a = {r["id"]: float(r["sum"]) for r in csv.DictReader(open(sys.argv[1]))}
b = {r["id"]: float(r["sum"]) for r in csv.DictReader(open(sys.argv[2]))}
d = [abs(a[k] - b[k]) / abs(a[k]) for k in a if a[k]]
print(f"{statistics.median(d):.2e}")
PY
)

read -r bc_s bc_rss bc_c < <(median_of bluecarbon_few)
read -r np_s np_rss np_c < <(median_of bincount_few)
read -r bm_s bm_rss bm_c < <(median_of bluecarbon_many)
read -r nm_s nm_rss nm_c < <(median_of bincount_many)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
printf 'zonal bench: %s x %s float32 raster (dem.tif), sum/mean/count, %s threads, median of %s runs\n' \
  "$size" "$size" "$threads" "$runs"
printf '  %-34s %10s %10s %12s\n' method seconds "CPU s" "peak RSS MB"
printf '  %-34s %10s %10s %12s\n' "bluecarbon zonal, $n_few parcels" "$bc_s" "$bc_c" "$bc_rss" \
  "bincount script, $n_few parcels" "$np_s" "$np_c" "$np_rss" \
  "bluecarbon zonal, $many parcels" "$bm_s" "$bm_c" "$bm_rss" "bincount script, $many parcels" "$nm_s" "$nm_c" "$nm_rss"
ee_json='"exactextract": "skipped: not on PATH (no Debian package)"'
if [ -n "$ee" ]; then
  read -r ef_s ef_rss ef_c < <(median_of exactextract_few)
  read -r em_s em_rss em_c < <(median_of exactextract_many)
  printf '  %-34s %10s %10s %12s\n' "exactextract, $n_few parcels" "$ef_s" "$ef_c" "$ef_rss" \
    "exactextract, $many parcels" "$em_s" "$em_c" "$em_rss"
  ee_json="\"exactextract_few\": {\"median_seconds\": $ef_s, \"peak_rss_mb\": $ef_rss},
 \"exactextract_many\": {\"median_seconds\": $em_s, \"peak_rss_mb\": $em_rss},
 \"speedup_vs_exactextract_few\": $(ratio "$bc_s" "$ef_s"), \"speedup_vs_exactextract_many\": $(ratio "$bm_s" "$em_s")"
  echo "  speed-up vs exactextract: $(ratio "$bc_s" "$ef_s")x ($n_few), $(ratio "$bm_s" "$em_s")x ($many); target >= 1.5x"
else
  echo "  exactextract: skipped (not on PATH; it is no Debian package)"
fi
echo "  speed-up vs bincount: $(ratio "$bc_s" "$np_s")x ($n_few), $(ratio "$bm_s" "$nm_s")x ($many); target >= 2.5x"
echo "  CPU-time ratio vs bincount: $(ratio "$bc_c" "$np_c")x ($n_few), $(ratio "$bm_c" "$nm_c")x ($many)" \
  "(wall-time ratios depend on how busy the machine is: load average $(cut -d' ' -f1 /proc/loadavg))"
echo "  peak RSS of bluecarbon: $bc_rss MB ($n_few), $bm_rss MB ($many); target <= 250 MB"
echo "  median relative difference of the sums, exact vs pixel centres ($n_few parcels): $agree"
cat > bench/zonal_results.json <<JSON
{"size": $size, "threads": $threads, "runs": $runs, "parcels_few": $n_few, "parcels_many": $many,
 "bluecarbon_few": {"median_seconds": $bc_s, "median_cpu_seconds": $bc_c, "peak_rss_mb": $bc_rss},
 "bincount_few": {"median_seconds": $np_s, "median_cpu_seconds": $np_c, "peak_rss_mb": $np_rss},
 "bluecarbon_many": {"median_seconds": $bm_s, "median_cpu_seconds": $bm_c, "peak_rss_mb": $bm_rss},
 "bincount_many": {"median_seconds": $nm_s, "median_cpu_seconds": $nm_c, "peak_rss_mb": $nm_rss},
 "load_average_1min": $(cut -d' ' -f1 /proc/loadavg),
 "speedup_vs_bincount_few": $(ratio "$bc_s" "$np_s"), "speedup_vs_bincount_many": $(ratio "$bm_s" "$nm_s"),
 "median_relative_sum_difference_vs_bincount": $agree,
 $ee_json}
JSON
echo "bench_zonal: results in bench/zonal_results.json"
