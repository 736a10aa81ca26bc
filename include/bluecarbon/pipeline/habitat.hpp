#pragma once
/// `bluecarbon habitat`: the habitat map alone (the project's class map through its mapping, or its rules over
/// bands, indices and tidal masks) -> habitat.tif (+ .aux.xml) and habitat_run.json; with --write-masks also
/// elevation.tif and tidal_zones.tif.
#include <bluecarbon/pipeline/stock.hpp>

namespace bluecarbon::pipeline {

using HabitatResult = StockResult;

/// As run_stock without the pools: the same inputs, checks, grid and tiles, so habitat.tif is identical.
[[nodiscard]] HabitatResult run_habitat(const config::ProjectConfig& cfg, const RunContext& ctx = {});

struct HabitatOptions {
    /// Also write what the rules saw, to check a run: elevation.tif (float32, m above the geoid, after the DEM's
    /// unit and geoid conversion) and tidal_zones.tif (uint8: 1 subtidal, 2 intertidal, 3 supratidal, 0 no
    /// elevation). Needs [inputs.dem] and [tidal]; not with a shard or resume (RequestError "write_masks").
    bool write_masks{false};
};
[[nodiscard]] HabitatResult run_habitat(const config::ProjectConfig& cfg, const RunContext& ctx,
                                        const HabitatOptions& options);

}  // namespace bluecarbon::pipeline
