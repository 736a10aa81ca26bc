#!/usr/bin/env bash
# Benchmark of the registry and of verification (issue 14): `bluecarbon certify` signs N synthetic credited parcels
# (scripts/bench_registry.py: 100 m squares touching their neighbours, so every issuance runs the R*Tree query and
# GEOS overlaps), then `registry issue` issues all N certificates into a fresh registry (signature, hashes, trust,
# same parcel-vintage and overlap checks, one transaction each) and `verify --pubkey` checks all N. Each is run
# --runs times; figures are medians of wall time. Prints the table and writes bench/registry_results.json.
#   scripts/bench_registry.sh [--parcels 10000] [--runs 3] [--bin PATH]
# Targets (issue 14, 2 cores): issue >= 1,000 parcels/s, verify >= 5,000 certificates/s.
set -euo pipefail
cd "$(dirname "$0")/.."
n=10000
runs=3
bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --parcels) n="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    *) echo "bench_registry: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$bin" ]; then
  scripts/build.sh release >/dev/null
  bin=build/release/bin/bluecarbon
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work="$PWD/bench/registry_$n"
if [ ! -f "$work/out/credits.csv" ]; then
  rm -rf "$work"
  /usr/bin/python3 scripts/bench_registry.py "$work" "$n"
fi
[ -f "$work/keys/signing.key" ] || "$bin" keygen --out "$work/keys" >/dev/null

seconds() {  # command...: "wall cpu" seconds of one run (cpu = user + system, all threads; output discarded)
  local tf
  tf=$(mktemp)
  /usr/bin/time -o "$tf" -f "%e %U %S" "$@" >/dev/null
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$tf"
  rm -f "$tf"
}
median() {  # column N of the lines on stdin
  awk -v c="$1" '{ print $c }' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

certify_runs=$(for _ in $(seq "$runs"); do seconds "$bin" certify "$work/project.toml"; done)
mapfile -t certs < <(ls "$work"/out/certificates/*.json)
[ "${#certs[@]}" -eq "$n" ] || { echo "bench_registry: expected $n certificates, got ${#certs[@]}" >&2; exit 1; }
issue_runs=$(for _ in $(seq "$runs"); do
  rm -f "$work/reg.db" "$work/reg.db-wal" "$work/reg.db-shm"
  "$bin" registry init "$work/reg.db" --name BENCH --trust "$work/keys/signing.pub" >/dev/null
  seconds "$bin" registry issue "$work/reg.db" "${certs[@]}"
done)
"$bin" registry audit "$work/reg.db" >/dev/null  # the benchmark's registry must audit
verify_runs=$(for _ in $(seq "$runs"); do seconds "$bin" verify --pubkey "$work/keys/signing.pub" "${certs[@]}"; done)
certify_s=$(echo "$certify_runs" | median 1); certify_cpu=$(echo "$certify_runs" | median 2)
issue_s=$(echo "$issue_runs" | median 1); issue_cpu=$(echo "$issue_runs" | median 2)
verify_s=$(echo "$verify_runs" | median 1); verify_cpu=$(echo "$verify_runs" | median 2)
load=$(cut -d' ' -f1 /proc/loadavg)

mkdir -p bench
awk -v n="$n" -v c="$certify_s" -v i="$issue_s" -v v="$verify_s" -v cc="$certify_cpu" -v ic="$issue_cpu" \
    -v vc="$verify_cpu" -v runs="$runs" -v load="$load" -v cores="$(nproc)" 'BEGIN {
  printf "registry benchmark, %d parcels, median of %d runs on %d cores, load average %s\n", n, runs, cores, load
  printf "(targets on 2 cores: issue >= 1000/s, verify >= 5000/s; CPU = user + system seconds, all threads)\n"
  printf "  certify  %8.3f s wall %8.3f s CPU  %7.0f certificates/s\n", c, cc, n / c
  printf "  issue    %8.3f s wall %8.3f s CPU  %7.0f parcels/s       %s\n", i, ic, n / i, (n / i >= 1000 ? "ok" : "below target")
  printf "  verify   %8.3f s wall %8.3f s CPU  %7.0f certificates/s  %s\n", v, vc, n / v, (n / v >= 5000 ? "ok" : "below target")
  printf "{\"parcels\": %d, \"runs\": %d, \"cores\": %d, \"load_average\": %s, \"certify_s\": %s, \"certify_cpu_s\": %s, \"issue_s\": %s, \"issue_cpu_s\": %s, \"verify_s\": %s, \"verify_cpu_s\": %s, \"issue_per_s\": %.1f, \"verify_per_s\": %.1f}\n", n, runs, cores, load, c, cc, i, ic, v, vc, n / i, n / v > "bench/registry_results.json"
}'
