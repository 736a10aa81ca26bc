#include "sample/sample_project_toml.hpp"

#include "sample/monitoring.hpp"

namespace bluecarbon::sample {

std::string sample_habitat_rules_toml() {
    return R"([[habitat.rules]]
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

)";
}

std::string sample_project_toml() {
    return R"(# bluecarbon sample project: a stretch of the Xiangshan (Ningbo) coast, Zhejiang, China (EPSG:32651).
# Paths are relative to this file's folder. `bluecarbon habitat project.toml` and `bluecarbon stock project.toml`
# write their outputs to the output folder below.

[project]
name = "xiangshan-sample"
description = "Synthetic but realistic sample: forested hills, aquaculture ponds, salt marsh with planted Kandelia obovata, mudflat, seagrass, sea"
# Climate zone of the site for the Tier-1 rows (IPCC 2013 Wetlands Supplement, Table 4.3): Zhejiang's coast is
# subtropical; Hainan's is tropical (tropical_wet or tropical_dry). Choose it from FAO's Global Ecological Zones map.
climate_zone = "subtropical"
output = "output"

[grid]
# The analysis grid is the reflectance raster's own (10 m, EPSG:32651). Alternatively:
#   crs = "EPSG:32651"
#   resolution = 10.0
#   extent = [390000, 3260000, 396000, 3266000]
from = "reflectance"

[processing]
tile = 512
threads = 0            # 0: all cores
compression = "deflate"  # of the output GeoTIFFs: deflate (read everywhere), zstd (faster to write), lzw, none

[inputs.reflectance]
path = "reflectance.tif"
# band name = 1-based index (or the band's description in the file)
bands = { green = 1, red = 2, nir = 3, swir1 = 4 }
# scale and offset come from the file's band metadata (DN x 1e-4); set them here to override:
#   scale = 1e-4
#   offset = 0.0
resampling = "bilinear"

[inputs.dem]
path = "dem.tif"
band = 1
heights = "ellipsoidal"   # WGS 84 ellipsoidal heights: converted to heights above the geoid ("geoid": no conversion)
vertical_unit = "m"       # stated here too, so the sample does not depend on the file's unit metadata

[tidal]
# Tidal datums in metres above the geoid (EGM96 ~ mean sea level here); a mesotidal coast, mean range ~4.5 m.
mllw_m = -2.3
mhhw_m = 2.2
hat_m = 3.0
geoid_grid = "egm96_15_china.gtx"   # shipped in the tool's grids/ folder (EGM96 15', 105-125E 15-42N)
geoid_step_px = 8                   # PROJ evaluates the geoid every 8th pixel, interpolated between (< 1 mm)

[habitat]
# "map": the classified raster below with its codes mapped to habitats; "rules": the rules further down.
source = "map"
map = "habitat.tif"
band = 1
fallback = "other"        # rules: the habitat of pixels no rule matches

[habitat.classes]
1 = "water"
2 = "seagrass"
3 = "tidal_flat"
4 = "salt_marsh"
5 = "mangrove"
6 = "aquaculture_pond"
7 = "forest"
8 = "other"

# Rules (used with source = "rules"): muparser expressions over band names (green, red, nir, swir1),
# indices (ndvi, evi, savi, ndwi, mndwi, ndmi, mvi), elevation (m above the geoid) and the tidal masks
# subtidal / intertidal / supratidal. otsu(x) and percentile(x, p) are scene statistics. First match wins.
)" + sample_habitat_rules_toml() + R"([stock]
soil = "mineral"
# A biomass model calibrated on the survey plots replaces the Tier-1 AGB on the habitats it was fitted for (those
# of its plots) and its cross-validated error enters uncertainty.tif. Write it from the mangrove plots with
#   bluecarbon survey calibrate project.toml --habitats mangrove      (-> output/biomass_model.json)
# then uncomment:
#   biomass_model = "output/biomass_model.json"

[tier1]
# The shipped table (data/tier1_pools.csv) is used unless `table` names another. Any row can be overridden;
# every override is recorded in the outputs. Example:
#   [[tier1.override]]
#   parameter = "agb_t_dm_per_ha"
#   habitat = "mangrove"
#   climate_zone = "subtropical"
#   value = 80
#   ci95 = [60, 100]
#   source = "Local inventory, Xiangshan 2023, table 2"

[parcels]
# The credit parcels: `bluecarbon parcels project.toml` writes output/parcels.gpkg and parcels.geojson with areas,
# stocks, tidal share and eligibility (running the stock step first when its rasters are missing or stale).
path = "parcels.geojson"
id = "id"                    # unique parcel id
owner = "owner"              # right holder; an empty owner fails the no_owner rule
min_area_m2 = 400            # minimum mapping unit (ellipsoidal area): P07 (300 m2) is below_mmu
min_tidal_share = 0.5        # blue-carbon parcels need this share between MLLW and HAT: P08 is outside_tidal_frame
overlap_tolerance_m2 = 1     # overlaps with other parcels up to this area are digitising slivers
# Previously credited polygons (any OGR source): overlapping parcels get previously_credited:<id>
#   credited = "credited.gpkg"
#   credited_id = "id"

[survey]
trees = "trees.csv"
plots = "plots.csv"
cores = "cores.csv"

[certify]
# `bluecarbon certify project.toml` signs output/certificates/<parcel>.json for every credited parcel.
# sample_signing.key is a published demo key (sample_key = true): its certificates only demonstrate the tool.
# For real credits: `bluecarbon keygen --out keys/` and key = "keys/signing.key" (kept 0600, never shared).
key = "sample_signing.key"
project_id = "XS-SAMPLE"
sample_key = true

[registry]
# `bluecarbon run` issues the certificates into this registry (default: output/registry.db), trusting the keys
# listed here when it creates the file; `bluecarbon registry ... output/registry.db` then lists, transfers, retires.
name = "BCSAMPLE"
trust = ["sample_signing.pub"]
issue = true

[lots]
# Auction lots of the credits available for sale (`bluecarbon lots project.toml` -> output/lots.csv, lots.geojson):
# a lot shares its vintage, closes once it holds 500 t CO2e, and its parcels lie within 200 m of each other.
group_by = ["vintage"]       # any of vintage, profile, habitat, owner
target_t_co2e = 500
contiguity_m = 200
start_price = 80.0           # reserve price per t CO2e (illustrative)
increment = 1.0
currency = "CNY"

[report]
# `bluecarbon report project.toml` (and `run`) -> output/report.html + output/report/ (maps, charts, tables).
title = "Xiangshan blue carbon: sample report"
layers = ["habitat", "stock_total", "stock_soc", "uncertainty"]
)" + sample_credits_toml();
}

}  // namespace bluecarbon::sample
