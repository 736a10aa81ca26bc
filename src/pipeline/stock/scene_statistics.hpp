#pragma once
// Private to the habitat/stock steps: the first passes, over the whole scene, for the rules' otsu() and
// percentile() thresholds. It reads only what the statistics' variables need (for otsu(mvi): green, nir and
// swir1; no DEM unless a statistic is of elevation), and is skipped when the rules use no scene statistic.
#include "pipeline/stock/stock_inputs.hpp"

#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <map>
#include <optional>
#include <string>

namespace bluecarbon::pipeline::stock {

/// Computes the rules' scene statistics (exact: coarse histograms of the whole scene, then as many exact reads of
/// the few buckets that hold the answers as they need, usually one), sets them on `inputs.rules` and returns them
/// by key ("otsu(mvi)" -> value); empty when there are none. Throws InputError when a statistic is undefined on
/// the scene (e.g. a single value).
std::map<std::string, double> compute_scene_statistics(StockInputs& inputs, const TileExecutor& exec,
                                                       const RunContext& ctx);

/// Under MPI (ctx.ranks set, ctx.shard this rank): the thresholds compute_scene_statistics gives, with each rank
/// reading its own tiles only and rank 0 merging the ranks' histograms, coarse and then exact, for all ranks to go
/// on from (exact: the whole scene's histograms for any rank count). `known`: thresholds this rank already has (from its checkpoint or a sibling
/// shard's manifest, of the same inputs), which then stand for every rank's. Every rank of the run calls it once.
std::map<std::string, double> shared_scene_statistics(StockInputs& inputs, const TileExecutor& exec,
                                                      const RunContext& ctx,
                                                      const std::optional<std::map<std::string, double>>& known);

}  // namespace bluecarbon::pipeline::stock
