#!/usr/bin/env bash
# package.install_examples: installs the build into a temporary prefix, configures and builds examples/ as a
# separate CMake project against it (find_package(bluecarbon)), and runs both examples.
#   install_examples.sh BUILD_DIR SOURCE_DIR BLUECARBON_EXE WORK_DIR
set -euo pipefail
build=$1 src=$2 exe=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
test -f "$work/prefix/lib/cmake/bluecarbon/bluecarbonConfig.cmake"
test -f "$work/prefix/lib/cmake/bluecarbon/bluecarbonConfigVersion.cmake"
test -f "$work/prefix/include/bluecarbon/pipeline/stock.hpp"
test -f "$work/prefix/include/bluecarbon/version.hpp"
test ! -e "$work/prefix/include/bluecarbon/cli"  # the CLI is not part of the library

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$src/examples" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$work/prefix" "${launcher[@]}" >"$work/configure.log"
cmake --build "$work/build" -- -j2 >"$work/build.log"

# cell_areas: row 0 of the 1-degree EPSG:4326 grid is 59-60 N. Independently of the library's closed form:
# Simpson's rule (1000 steps) over the WGS 84 area element a^2 (1 - e^2) cos(phi) / (1 - e^2 sin^2(phi))^2
# dphi dlambda gives 6.3098e9 m2 (a sphere of the authalic radius would give 6.2753e9, 0.55 % less).
"$work/build/cell_areas" >"$work/cell_areas.txt"
area=$(sed -n 's/^row 0: \([0-9.]*\) m2$/\1/p' "$work/cell_areas.txt")
awk -v a="$area" 'BEGIN { pi = atan2(0, -1); A = 6378137; f = 1 / 298.257223563; e2 = f * (2 - f);
  n = 1000; lo = 59 * pi / 180; h = (pi / 180) / n; s = 0;
  for (i = 0; i <= n; i++) { p = lo + i * h; w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    s += w * cos(p) / (1 - e2 * sin(p) ^ 2) ^ 2 }
  ref = A * A * (1 - e2) * (pi / 180) * s * h / 3;
  if (a == "" || a / ref < 1 - 1e-9 || a / ref > 1 + 1e-9) { print "row 0 area " a " vs " ref; exit 1 } }'
test "$(grep -c '^row ' "$work/cell_areas.txt")" -eq 60

# run_stock on the sample project, against the installed library.
"$exe" sample --out "$work/sample" --quiet >"$work/sample.txt"
"$work/build/run_stock" "$work/sample/project.toml" 1 >"$work/run_stock.txt" 2>"$work/run_stock.err"
grep -q '^stock: 600 x 600 pixels' "$work/run_stock.txt"
grep -q '^total carbon [0-9]' "$work/run_stock.txt"
test -f "$work/sample/output/stock_total.tif"
echo "package.install_examples: ok"
