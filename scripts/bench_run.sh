#!/usr/bin/env bash
# Benchmark: `bluecarbon run` on the committed sample (samples/xiangshan) on 2 threads. Prints the wall time and
# each step's time from run.json, and fails when the run takes more than 30 s.
#   scripts/bench_run.sh [--bin build/release/bin/bluecarbon] [--threads 2] [--limit 30]
set -euo pipefail
cd "$(dirname "$0")/.."
bc="build/release/bin/bluecarbon"
threads=2
limit=30
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bc="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --limit) limit="$2"; shift 2 ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "bench_run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
out="bench/run_sample"
rm -rf "$out"
start=$(date +%s.%N)
"$bc" run samples/xiangshan/project.toml --output "$out" --threads "$threads" --quiet
end=$(date +%s.%N)
/usr/bin/python3 - "$out/run.json" "$start" "$end" "$limit" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
for s in run["steps"]:
    print(f"  {s['step']:<9} " + (f"{s['seconds']:7.2f} s" if s["status"] == "done" else "skipped"))
print(f"run on the sample: {wall:.2f} s wall (limit {sys.argv[4]} s), peak memory {run['peak_rss_mb']:.0f} MB")
sys.exit(0 if wall <= float(sys.argv[4]) else 1)
PY
