#pragma once
// Private to the habitat/stock steps: the first pass, over the whole scene, for the rules' otsu() and
// percentile() thresholds. It reads only what the statistics' variables need (for otsu(mvi): green, nir and
// swir1; no DEM unless a statistic is of elevation), and is skipped when the rules use no scene statistic.
#include "pipeline/stock/stock_inputs.hpp"

#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <map>
#include <string>

namespace bluecarbon::pipeline::stock {

/// Computes the rules' scene statistics (exact histograms merged in tile order), sets them on
/// `inputs.rules` and returns them by key ("otsu(mvi)" -> value); empty when there are none. Throws
/// InputError when a statistic is undefined on the scene (e.g. a single value).
std::map<std::string, double> compute_scene_statistics(StockInputs& inputs, const TileExecutor& exec,
                                                       const RunContext& ctx);

}  // namespace bluecarbon::pipeline::stock
