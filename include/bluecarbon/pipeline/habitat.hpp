#pragma once
/// `bluecarbon habitat`: the habitat map alone (the project's class map through its mapping, or its rules over
/// bands, indices and tidal masks) -> habitat.tif (+ .aux.xml) and habitat_run.json.
#include <bluecarbon/pipeline/stock.hpp>

namespace bluecarbon::pipeline {

using HabitatResult = StockResult;

/// As run_stock without the pools: the same inputs, checks, grid and tiles, so habitat.tif is identical.
[[nodiscard]] HabitatResult run_habitat(const config::ProjectConfig& cfg, const RunContext& ctx = {});

}  // namespace bluecarbon::pipeline
