#pragma once
// Private to the habitat/stock steps: the output files — the raster sinks with their provenance metadata, and,
// once the tiles are done, stock_summary.csv, <step>_run.json and the printed summary.
#include "cli/cli_context.hpp"
#include "cli/stock/stock_inputs.hpp"
#include "cli/stock/stock_kernel.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/science/pools.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bluecarbon::cli::stock {

/// The raster outputs of a run, staged in `transaction`.
class StockRasters {
public:
    StockRasters(const config::ProjectConfig& cfg, const StockInputs& inputs,
                 const std::map<std::string, double>& thresholds, bool with_stock, CompressionChoice compression,
                 OutputTransaction& transaction);
    [[nodiscard]] StockSinks sinks() const;
    /// Finishes every raster (overviews, COG), `threads` at a time.
    void finish(int threads);

private:
    std::unique_ptr<RasterSink> m_habitat;
    std::vector<std::unique_ptr<RasterSink>> m_pools;  // agb, bgb, dead, soc, total, uncertainty
};

/// Wall-clock and CPU (user + system, all threads) seconds of the run's phases, reported in the run JSON: on a
/// busy machine the CPU time shows the cost of a phase better than its wall time.
struct StockTimings {
    struct Phase {
        double wall{0}, cpu{0};
    };
    Phase inputs, statistics, tiles, finish, total;
};

/// What the summary outputs need from the run.
struct StockRunSummary {
    const config::ProjectConfig* cfg{nullptr};
    const StockInputs* inputs{nullptr};
    std::filesystem::path model_path;
    std::map<std::string, double> thresholds;
    std::vector<science::HabitatSummary> habitats;
    std::int64_t model_fallback_pixels{0};
    int threads{1};
    bool with_stock{false};
    StockTimings timings;
};

/// Stages stock_summary.csv (with the pools) and <habitat|stock>_run.json in `transaction`, and returns the run
/// JSON (also printed with --json).
[[nodiscard]] std::string write_stock_tables(const StockRunSummary& run, OutputTransaction& transaction);

/// The human summary (or, with --json, `run_json`) on ctx.out.
void print_stock_summary(const CliContext& ctx, const CommonOptions& common, const StockRunSummary& run,
                         const std::string& run_json);

}  // namespace bluecarbon::cli::stock
