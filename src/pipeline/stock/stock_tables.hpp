#pragma once
// Private to the habitat/stock steps: once the tiles are done, stock_summary.csv and <step>_run.json.
#include "pipeline/stock/stock_inputs.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::stock {

/// What the tables need from the run.
struct StockRunSummary {
    const config::ProjectConfig* cfg{nullptr};
    const StockInputs* inputs{nullptr};
    std::filesystem::path model_path;
    std::map<std::string, double> thresholds;
    std::vector<science::HabitatSummary> habitats;
    std::int64_t model_fallback_pixels{0};
    int threads{1};
    bool with_stock{false};
    std::vector<std::string> warnings;
    StockTimings timings;
    std::vector<std::string> notices;  ///< silent choices made visible (run_notices)
    /// A merge's: the input hashes its shards recorded (io hash_inputs with a cache); empty: hash the inputs.
    std::filesystem::path input_hash_cache;
};

/// What a run chose silently and a user should know: the default geoid grid, rule habitats that got no pixel.
[[nodiscard]] std::vector<std::string> run_notices(const config::ProjectConfig& cfg, const StockInputs& inputs,
                                                   const std::vector<science::HabitatSummary>& habitats);

/// Stages stock_summary.csv (with the pools) and <habitat|stock>_run.json in `transaction`, and returns the run
/// JSON; `outputs` receives every output path of the run.
[[nodiscard]] std::string write_stock_tables(const StockRunSummary& run, OutputTransaction& transaction,
                                             std::vector<std::filesystem::path>& outputs);

}  // namespace bluecarbon::pipeline::stock
