#!/usr/bin/env bash
# Installs what is missing, builds Release, writes the sample project and runs it step by step.
#   scripts/demo.sh [OUTDIR]      (default: out/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release >/dev/null
bc=build/release/bin/bluecarbon
out="${1:-out/demo}"
sample="$out/sample"

echo "== writing the sample project to $sample"
$bc sample --out "$sample" --quiet

echo "== spectral indices"
$bc indices --input "$sample/reflectance.tif" --bands green=1,red=2,nir=3,swir1=4 \
  --index ndvi,savi,ndwi,mndwi,ndmi,mvi --out "$out/indices"

echo
echo "Outputs:"
echo "  sample project   $sample"
echo "  indices          $out/indices/*.tif"
