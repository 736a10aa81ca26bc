#!/usr/bin/env bash
# Installs what is missing, builds Release, writes the sample project and runs it step by step.
#   scripts/demo.sh [OUTDIR]      (default: out/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "== building (Release)"
scripts/build.sh release >/dev/null
bc="$PWD/build/release/bin/bluecarbon"
out="${1:-out/demo}"
sample="$out/sample"
rm -rf "$sample"

echo "== writing the sample project (Xiangshan, Ningbo coast) to $sample"
"$bc" sample --out "$sample" --quiet

echo "== spectral indices"
"$bc" indices --input "$sample/reflectance.tif" --bands green=1,red=2,nir=3,swir1=4 \
  --index ndvi,savi,ndwi,mndwi,ndmi,mvi --out "$out/indices" --quiet

echo "== field survey: tree plots"
"$bc" survey trees --trees "$sample/trees.csv" --plots "$sample/plots.csv" --out "$out/survey" --quiet

echo "== field survey: soil cores"
"$bc" survey cores --cores "$sample/cores.csv" --out "$out/survey" --quiet

echo "== carbon stock maps (habitat map, tidal position, Tier-1 pools, uncertainty)"
"$bc" stock "$sample/project.toml" --quiet

echo "== credit parcels (areas, stocks, tidal share, eligibility: P07 below_mmu, P08 outside_tidal_frame)"
"$bc" parcels "$sample/project.toml" --quiet

echo
echo "Outputs:"
echo "  sample project   $sample"
echo "  indices          $out/indices/*.tif"
echo "  survey tables    $out/survey/{trees,plots,cores}.csv"
echo "  stock maps       $sample/output/{habitat,stock_*,uncertainty}.tif and stock_summary.csv"
echo "  parcels          $sample/output/parcels.gpkg (QGIS: coloured by eligibility) and parcels.geojson"
