#!/usr/bin/env bash
# Installs everything bluecarbon needs to build, test and benchmark on Debian bookworm (idempotent; quiet when
# everything is already there). The one list of system packages for the project.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config time
  libgdal-dev gdal-bin python3-gdal python3-numpy
  libproj-dev proj-bin proj-data
  libgeos-dev libboost-dev
  catch2 libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev libeigen3-dev
  libsqlite3-dev libssl-dev libmuparser-dev librandom123-dev
  libgeographiclib-dev geographiclib-tools
  libcairo2-dev chromium
  python3-rasterio
  libzstd-dev
  libopenmpi-dev openmpi-bin
  slurm-wlm munge
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
