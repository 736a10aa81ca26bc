#!/usr/bin/env bash
# Scale evidence for shards, merge and MPI (`scripts/bench.sh --scale` runs it). On a synthetic scene with the
# stock step (rules with otsu(), tidal masks, all pools):
#   1. one process, then 1, 2 and 4 shards one after another, then their merge: wall, CPU (user + sys) and peak
#      RSS of each process; the shards' CPU against the single process's, the merge's cost; outputs checked
#      byte-identical to the single run;
#   2. (with MPI) 2 ranks x 1 thread against 1 process x 2 threads on the --mpi-size scene.
# Results: bench/scale_results.json.
#   scripts/bench_scale.sh [--size 20000] [--mpi-size 10000] [--threads 1] [--bin build/release/bin/bluecarbon]
set -euo pipefail
cd "$(dirname "$0")/.."
size=20000 mpi_size=10000 threads=1 bin=build/release/bin/bluecarbon
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --mpi-size) mpi_size="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench_scale.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
bin="$(realpath "$bin")"
work="$PWD/bench/scale"
mkdir -p "$work"
grid="$PWD/grids/egm96_15_china.gtx"

scene() {  # scene N: the synthetic scene and its project file (written once)
  local dir="$work/scene_$1"
  [ -f "$dir/reflectance.tif" ] || "$bin" sample --synthetic --size "$1" --out "$dir" --quiet >&2
  cat > "$dir/project.toml" <<TOML
[project]
name = "scale-bench"
climate_zone = "subtropical"
output = "out"
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
habitat = "mangrove"
when = "mvi > otsu(mvi) && ndvi > 0.5 && intertidal"
[[habitat.rules]]
habitat = "salt_marsh"
when = "ndvi > 0.3 && intertidal"
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
  echo "$dir/project.toml"
}

measure() {  # label, command...: prints "wall cpu rss_mb" and keeps them in $work/<label>.time
  /usr/bin/time -f "%e %U %S %M" -o "$work/$1.time" "${@:2}" >"$work/$1.out" 2>"$work/$1.err" || {
    cat "$work/$1.err" >&2; echo "bench_scale: $1 failed" >&2; exit 1; }
  awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' "$work/$1.time"
}

identical() {  # dir [reference dir]: 1 when every output equals the reference's (default: the single run's)
  local ref="${2:-$work/single}"
  for f in habitat.tif stock_agb.tif stock_bgb.tif stock_dead.tif stock_soc.tif stock_total.tif uncertainty.tif \
           uncertainty_agb.tif uncertainty_bgb.tif uncertainty_dead.tif uncertainty_soc.tif \
           stock_summary.csv; do cmp -s "$ref/$f" "$1/$f" || { echo 0; return; }; done
  echo 1
}

project=$(scene "$size")
mpx=$(awk -v n="$size" 'BEGIN { printf "%.1f", n * n / 1e6 }')
rm -rf "$work/single" "$work"/shards_*
read -r s_wall s_cpu s_rss < <(measure single "$bin" stock "$project" --out "$work/single" --threads "$threads" --quiet)
printf 'scale bench: %s x %s (%s Mpixel), %s thread(s) per process\n' "$size" "$size" "$mpx" "$threads"
printf '  one process        wall %8.2f s  cpu %8.2f s  peak RSS %6d MB  (%.3f cpu-s/Mpixel)\n' "$s_wall" "$s_cpu" \
  "$s_rss" "$(awk -v c="$s_cpu" -v m="$mpx" 'BEGIN { print c / m }')"
json="{\"size\": $size, \"threads\": $threads, \"single\": {\"wall_s\": $s_wall, \"cpu_s\": $s_cpu, \"rss_mb\": $s_rss}, \"shards\": ["
sep=""
for n in 1 2 4; do
  out="$work/shards_$n"
  cpu=0 wall=0 rss=0
  for ((i = 0; i < n; i++)); do
    read -r w c r < <(measure "shard_${n}_$i" "$bin" stock "$project" --out "$out" --threads "$threads" --quiet \
                        --shard "$i/$n")
    cpu=$(awk -v a="$cpu" -v b="$c" 'BEGIN { print a + b }'); wall=$(awk -v a="$wall" -v b="$w" 'BEGIN { print a + b }')
    [ "$r" -gt "$rss" ] && rss=$r
  done
  read -r mw mc mr < <(measure "merge_$n" "$bin" merge "$out" --threads "$threads" --quiet)
  same=$(identical "$out")
  store=$(du -sm "$out"/shard-* | awk '{s += $1} END { print s }')
  printf '  %d shard(s)         wall %8.2f s  cpu %8.2f s  max peak RSS %6d MB  cpu/single %.3f  (store %d MB)\n' \
    "$n" "$wall" "$cpu" "$rss" "$(awk -v a="$cpu" -v b="$s_cpu" 'BEGIN { print a / b }')" "$store"
  printf '     merge           wall %8.2f s  cpu %8.2f s  peak RSS %6d MB  (shards+merge cpu/single %.3f)  identical %s\n' \
    "$mw" "$mc" "$mr" "$(awk -v a="$cpu" -v m="$mc" -v b="$s_cpu" 'BEGIN { print (a + m) / b }')" "$same"
  json="$json$sep{\"n\": $n, \"wall_s\": $wall, \"cpu_s\": $cpu, \"max_rss_mb\": $rss, \"store_mb\": $store, \"merge\": {\"wall_s\": $mw, \"cpu_s\": $mc, \"rss_mb\": $mr}, \"identical\": $same}"
  sep=", "
  rm -rf "$out"
done
json="$json]"

if mpirun --version >/dev/null 2>&1 && "$bin" stock --help | grep -q -- --mpi; then
  project=$(scene "$mpi_size")
  rm -rf "$work/t2" "$work/mpi2"
  read -r t_wall t_cpu t_rss < <(measure threads2 "$bin" stock "$project" --out "$work/t2" --threads 2 --quiet)
  read -r m_wall m_cpu m_rss < <(measure mpi2 mpirun -n 2 --oversubscribe --allow-run-as-root "$bin" stock "$project" \
                                   --out "$work/mpi2" --threads 1 --mpi --quiet)
  printf '  %s^2: 1 process x 2 threads wall %.2f s cpu %.2f s; mpirun 2 ranks x 1 thread wall %.2f s cpu %.2f s' \
    "$mpi_size" "$t_wall" "$t_cpu" "$m_wall" "$m_cpu"
  m_same=$(identical "$work/mpi2" "$work/t2")
  printf ' (wall ratio %.3f, cpu ratio %.3f) identical %s\n' "$(awk -v a="$m_wall" -v b="$t_wall" 'BEGIN { print a / b }')" \
    "$(awk -v a="$m_cpu" -v b="$t_cpu" 'BEGIN { print a / b }')" "$m_same"
  json="$json, \"mpi\": {\"size\": $mpi_size, \"threads2_wall_s\": $t_wall, \"threads2_cpu_s\": $t_cpu,"
  json="$json \"ranks2_wall_s\": $m_wall, \"ranks2_cpu_s\": $m_cpu, \"identical\": $m_same}"
  rm -rf "$work/t2" "$work/mpi2"
fi
echo "$json}" > bench/scale_results.json
echo "bench_scale: results in bench/scale_results.json"
