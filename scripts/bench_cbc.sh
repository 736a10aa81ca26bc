#!/usr/bin/env bash
# Benchmark of `bluecarbon invest cbc` (issue 13) on a synthetic 4000 x 4000 landscape with snapshots 2000, 2010
# and 2020 and analysis year 2030 (scripts/bench_cbc.py generate), beside a plain GDAL read of the three snapshots
# and write of as many float32 rasters as the run writes (scripts/bench_cbc.py floor: the I/O floor). The same run
# with analysis year 2100 shows that memory does not grow with the number of years. Every command runs --runs
# times, interleaved; figures are medians of wall time (GNU time), CPU is user + system, peak RSS the largest
# seen. Prints the table and writes bench/cbc_results.json.
#   scripts/bench_cbc.sh [--size 4000] [--threads N] [--runs 3] [--bin PATH]
# Targets (issue 13, 2 cores): <= 8 s and <= 250 MB, within 6x of the I/O floor (InVEST: ~150 s, 1.4 GB).
set -euo pipefail
cd "$(dirname "$0")/.."
size=4000
threads=$(nproc)
bin=""
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "bench_cbc: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$bin" ]; then
  scripts/build.sh release >/dev/null
  bin=build/release/bin/bluecarbon
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
case_dir="bench/cbc_$size"
[ -f "$case_dir/args.json" ] || /usr/bin/python3 scripts/bench_cbc.py generate "$case_dir" "$size"
case_dir=$(cd "$case_dir" && pwd)
# The same case run to 2100: 80 years after the last snapshot instead of 10.
sed -e 's/"analysis_year": 2030/"analysis_year": 2100/' -e 's/"workspace_dir": "workspace"/"workspace_dir": "workspace_2100"/' \
  -e 's/"do_economic_analysis": true/"do_economic_analysis": false/' "$case_dir/args.json" > "$case_dir/args_2100.json"

measure() {  # label, command...: appends "label wall_s peak_kb cpu_s" to $times
  local label="$1"; shift
  local tf
  tf=$(mktemp)
  /usr/bin/time -o "$tf" -f "%e %M %U %S" "$@" >/dev/null 2>&1
  echo "$label $(tail -1 "$tf")" | awk '{printf "%s %s %s %.2f\n", $1, $2, $3, $4 + $5}' >> "$times"
  rm -f "$tf"
}
times=$(mktemp)
outputs=16  # 4 stocks, 3 accumulation, 2 emissions, 3 net sequestration, 1 total, 3 NPV
for run in $(seq "$runs"); do
  rm -rf "$case_dir/workspace" "$case_dir/workspace_2100" "$case_dir/floor"
  measure cbc "$bin" invest cbc "$case_dir/args.json" --threads "$threads" --quiet
  measure cbc_2100 "$bin" invest cbc "$case_dir/args_2100.json" --threads "$threads" --quiet
  measure floor /usr/bin/python3 scripts/bench_cbc.py floor "$case_dir" "$case_dir/floor" "$outputs"
done
n_out=$(ls "$case_dir/workspace/output" | wc -l)
[ "$n_out" -eq "$outputs" ] || { echo "bench_cbc: expected $outputs outputs, found $n_out" >&2; exit 1; }

/usr/bin/python3 - "$times" "$size" "$threads" "$runs" <<'PY'
import json, statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
size, threads, runs = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
res = {}
for label in ("cbc", "cbc_2100", "floor"):
    r = [x for x in rows if x[0] == label]
    res[label] = {"wall_s": statistics.median(float(x[1]) for x in r),
                  "peak_rss_mb": max(int(x[2]) for x in r) / 1024.0,
                  "cpu_s": statistics.median(float(x[3]) for x in r)}
ratio = res["cbc"]["wall_s"] / res["floor"]["wall_s"]
print(f"invest cbc, {size} x {size}, snapshots 2000/2010/2020, analysis 2030, {threads} threads, median of {runs}:")
for label, name in (("cbc", "bluecarbon invest cbc"), ("cbc_2100", "  same, analysis 2100 (no NPV)"),
                    ("floor", "GDAL read + write floor")):
    x = res[label]
    print(f"  {name:32} {x['wall_s']:7.2f} s wall  {x['cpu_s']:7.2f} s CPU  {x['peak_rss_mb']:7.0f} MB peak")
print(f"  ratio to the floor: {ratio:.2f}x (target <= 6x); targets <= 8 s and <= 250 MB")
res.update({"size": size, "threads": threads, "runs": runs, "ratio_to_floor": ratio})
json.dump(res, open("bench/cbc_results.json", "w"), indent=2)
PY
rm -f "$times"
