#pragma once
// Private to the habitat/stock steps: the reads of the scene statistics' variables. The first pass fills coarse
// histograms (a fixed 1.5 MB per variable and worker); each further pass reads exactly only the buckets the
// statistics still need (science/bounded_statistics.hpp), so memory stays bounded however large the scene.
#include "pipeline/stock/stock_inputs.hpp"

#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/science/bounded_statistics.hpp>
#include <bluecarbon/science/habitat_rules.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::stock {

/// The variables the rules' statistics are of, sorted and distinct (the same list on every rank).
[[nodiscard]] std::vector<std::string> statistic_variables(const science::HabitatRules& rules);

/// Pass one: the coarse histogram of each of `names` over `tiles` (plan indices), as phase "statistics".
[[nodiscard]] std::vector<science::CoarseHistogram> read_coarse(StockInputs& inputs, const TileExecutor& exec,
                                                                const RunContext& ctx,
                                                                const std::vector<std::string>& names,
                                                                const std::vector<std::size_t>& tiles);

/// A further pass: the exact values of `names[i]` that fall in the buckets `stats[i]` asks for, as phase
/// "statistics, exact values".
[[nodiscard]] std::vector<science::SceneHistogram>
read_exact(StockInputs& inputs, const TileExecutor& exec, const RunContext& ctx, const std::vector<std::string>& names,
           const std::vector<std::size_t>& tiles, const std::vector<science::BoundedStatistics>& stats);

/// Bounded statistics of each variable from its coarse histogram, wanting what the rules ask of it.
[[nodiscard]] std::vector<science::BoundedStatistics> want_statistics(const science::HabitatRules& rules,
                                                                      const std::vector<std::string>& names,
                                                                      std::vector<science::CoarseHistogram> coarse);

/// Whether any variable's statistics still need a pass.
[[nodiscard]] bool buckets_remain(const std::vector<science::BoundedStatistics>& stats);

/// Adds one pass's exact values; throws InputError when they disagree with the first pass (an input changed
/// while it was read).
void add_exact_pass(std::vector<science::BoundedStatistics>& stats, const std::vector<std::string>& names,
                    const std::vector<science::SceneHistogram>& exact);

/// The rules' statistics by key ("otsu(mvi)" -> value). Throws InputError when one is undefined on the scene.
[[nodiscard]] std::map<std::string, double> thresholds_of(const science::HabitatRules& rules,
                                                          const std::vector<std::string>& names,
                                                          const std::vector<science::BoundedStatistics>& stats);

}  // namespace bluecarbon::pipeline::stock
