#pragma once
// Private to the habitat/stock steps: the raster outputs with their provenance metadata, staged in one
// OutputTransaction.
#include "pipeline/stock/stock_inputs.hpp"
#include "pipeline/stock/stock_kernel.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/pipeline/compression.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::stock {

/// habitat.tif (+ its .aux.xml), and with the pools stock_agb/bgb/dead/soc/total.tif, uncertainty.tif and
/// uncertainty_agb/bgb/dead/soc.tif (and tidal.tif when StockInputs::tidal_frame).
class StockRasters {
public:
    StockRasters(const config::ProjectConfig& cfg, const StockInputs& inputs,
                 const std::map<std::string, double>& thresholds, bool with_stock, CompressionChoice compression,
                 OutputTransaction& transaction);
    [[nodiscard]] StockSinks sinks() const;
    /// Finishes every raster (overviews, COG), `threads` at a time.
    void finish(int threads);
    /// Every sink, habitat first then the pools in StockSinks order (a shard record's blob order).
    [[nodiscard]] std::vector<RasterSink*> all() const;

private:
    std::unique_ptr<RasterSink> m_habitat;
    std::vector<std::unique_ptr<RasterSink>> m_pools;  // in StockSinks::pools order
    std::unique_ptr<RasterSink> m_tidal;               // tidal.tif, when the inputs ask for it
    std::unique_ptr<RasterSink> m_elevation, m_zones;  // habitat --write-masks
};

}  // namespace bluecarbon::pipeline::stock
