#pragma once
// Private to the habitat/stock steps: the raster outputs with their provenance metadata, staged in one
// OutputTransaction.
#include "pipeline/stock/stock_inputs.hpp"
#include "pipeline/stock/stock_kernel.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/pipeline/compression.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::stock {

/// Which of the rasters a process writes: all of them, or in a merge shared by `parts` MPI ranks, those whose
/// position in StockRasters::all() is `part` modulo `parts` (habitat.tif's .aux.xml goes with habitat.tif).
struct RasterShare {
    std::size_t part{0}, parts{1};
    [[nodiscard]] bool owns(std::size_t position) const noexcept { return position % parts == part; }
};

/// habitat.tif (+ its .aux.xml), and with the pools stock_agb/bgb/dead/soc/total.tif, uncertainty.tif and
/// uncertainty_agb/bgb/dead/soc.tif (and tidal.tif when StockInputs::tidal_frame).
class StockRasters {
public:
    StockRasters(const config::ProjectConfig& cfg, const StockInputs& inputs,
                 const std::map<std::string, double>& thresholds, bool with_stock, CompressionChoice compression,
                 OutputTransaction& transaction, RasterShare share = {});
    /// The kernel's sinks (null for a raster outside this process's share).
    [[nodiscard]] StockSinks sinks() const;
    /// Finishes every raster of the share (overviews, COG), `threads` at a time, as ctx's phase "writing".
    void finish(const RunContext& ctx, int threads);
    /// Every raster's position, habitat first then the pools in StockSinks order (a shard record's blob order):
    /// its sink, or null outside this process's share.
    [[nodiscard]] std::vector<RasterSink*> all() const;

private:
    std::unique_ptr<RasterSink> m_habitat;
    std::vector<std::unique_ptr<RasterSink>> m_pools;  // in StockSinks::pools order
    std::unique_ptr<RasterSink> m_tidal;               // tidal.tif, when the inputs ask for it
    std::unique_ptr<RasterSink> m_elevation, m_zones;  // habitat --write-masks
    bool m_has_tidal{false}, m_has_masks{false};        // whether all() has those positions
};

}  // namespace bluecarbon::pipeline::stock
