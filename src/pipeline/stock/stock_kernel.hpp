#pragma once
// Private to the habitat/stock steps: the second pass's work on one tile — habitat codes (the rules over the
// tile's variables, or the class map through its mapping), then the pools, uncertainty and per-habitat sums —
// written to the output sinks. Pure per-tile work: results are merged by the caller in tile order.
#include "pipeline/stock/stock_inputs.hpp"
#include "pipeline/stock/tile_variables.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/core/block.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/science/pools.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::stock {

/// The pool rasters: stock_<pool>.tif by Pool, uncertainty.tif, then uncertainty_<pool>.tif for agb/bgb/dead/soc.
inline constexpr std::size_t k_pool_raster_count = 2 * science::k_pool_count;
/// Where uncertainty.tif and the first per-pool uncertainty raster sit among them.
inline constexpr std::size_t k_uncertainty_raster = science::k_pool_count;
inline constexpr std::size_t k_pool_uncertainty_raster = science::k_pool_count + 1;

/// The raster outputs: habitat.tif, and with the pools stock_agb/bgb/dead/soc/total.tif, uncertainty.tif and
/// uncertainty_agb/bgb/dead/soc.tif.
struct StockSinks {
    RasterSink* habitat{nullptr};
    std::array<RasterSink*, k_pool_raster_count> pools{};  ///< in k_pool_raster_count's order; null: habitat only
    RasterSink* tidal{nullptr};  ///< tidal.tif (1: between MLLW and HAT, 0: outside); null: not written
    RasterSink* elevation{nullptr};    ///< habitat --write-masks: elevation.tif (m above the geoid)
    RasterSink* tidal_zones{nullptr};  ///< habitat --write-masks: tidal_zones.tif (1, 2, 3: sub-, inter-, supratidal)
};

/// What one tile adds to the scene: per-habitat sums, and the class codes of the map that the mapping lacks.
struct TileResult {
    science::TileStockSums sums;
    std::vector<std::int64_t> unmapped;
};

/// One worker thread's buffers, reused from tile to tile.
class StockWorker {
public:
    explicit StockWorker(const StockInputs& inputs) : vars(inputs) {}
    TileVariables vars;
    Block<std::uint8_t> habitat;
    Block<float> codes;
    Block<std::uint8_t> tidal;
    Block<std::uint8_t> zones;
    std::array<Block<float>, k_pool_raster_count> pools;
    std::vector<std::uint8_t> pool_valid;
    TileResult result;
};

class StockKernel {
public:
    /// `row_area_m2[r]`: the cell area of grid row r. The references must outlive the kernel.
    StockKernel(const StockInputs& inputs, const config::HabitatConfig& habitat, StockSinks sinks,
                std::span<const double> row_area_m2);

    /// Classifies tile `w`, computes its pools and writes every output's block; leaves the tile's sums (or the
    /// unmapped class codes, in which case nothing is written: the run will fail) in `worker.result`.
    /// Thread-safe across workers.
    void run(const Window& w, StockWorker& worker) const;

private:
    const StockInputs& m_in;
    const config::HabitatConfig& m_habitat;
    StockSinks m_sinks;
    std::span<const double> m_row_area;
    std::vector<std::string> m_predictors;
};

}  // namespace bluecarbon::pipeline::stock
