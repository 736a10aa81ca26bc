#pragma once
/// `bluecarbon invest cbc ARGS.json` and `bluecarbon invest carbon ARGS.json`: InVEST's Coastal Blue Carbon (3.x)
/// and Carbon storage models run on InVEST's own inputs (io/invest_inputs.hpp), per pixel and tile by tile
/// (accounting's kernels on the engine), writing InVEST's output names. Everything is published together or not
/// at all.
#include <bluecarbon/accounting/cbc_model.hpp>
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct InvestCbcRequest {
    std::filesystem::path args_file;  ///< InVEST's argument JSON (plain object or parameter set with "args")
    /// `invest` (default) reproduces InVEST's NPV: (Σ net sequestration) × Σ discounted prices; `yearly`
    /// discounts each year's own net sequestration (Σ N_t p_t / (1 + d)^(t − t0)).
    accounting::NpvMethod npv_method{accounting::NpvMethod::invest};
    std::string compression{"deflate"};
    int compression_level{0};
};

struct InvestOutputFile {
    std::string name;  ///< InVEST's name without suffix and extension
    std::filesystem::path file;
};

struct InvestCbcResult {
    Grid grid;
    std::vector<int> snapshot_years;
    int analysis_year{0};
    std::size_t tiles{0};
    int threads{1};
    std::vector<InvestOutputFile> outputs;
    double wall_seconds{0};
    double peak_rss_mb{0};
    std::string json;
    /// A shard run (RunContext::shard): "shard I of N: T tiles computed, R resumed -> FOLDER"; empty otherwise.
    std::string shard;
    std::filesystem::path shard_folder;  ///< a shard run's folder (`bluecarbon merge` its parent)
};

/// Runs the CBC model. With ctx.shard: only that shard's tiles, into workspace_dir/output/shard-I-of-N/
/// (`bluecarbon merge workspace_dir/output` writes the outputs); with ctx.resume alone: checkpointed there as
/// shard 0 of 1, then merged. Throws ConfigError/InputError with InVEST's validation messages (missing keys, unknown
/// transition keyword, duplicate class names, analysis year not after the last snapshot, one snapshot without an
/// analysis year, a landcover code missing from the biophysical table — naming the snapshot raster).
[[nodiscard]] InvestCbcResult run_invest_cbc(const InvestCbcRequest& request, const RunContext& ctx = {});

struct InvestCarbonRequest {
    std::filesystem::path args_file;
    std::string compression{"deflate"};
    int compression_level{0};
};

/// One row of raster_values_summary.csv.
struct InvestCarbonTotal {
    std::string raster;  ///< "Baseline Carbon Storage", ...
    double total{0};     ///< Σ valid pixels × pixel area / 10,000 (Mg C, or currency for NPV)
    std::string units;
    std::filesystem::path file;
};

struct InvestCarbonResult {
    Grid grid;
    std::size_t tiles{0};
    int threads{1};
    std::optional<double> valuation_constant;
    std::vector<InvestCarbonTotal> totals;
    std::vector<std::filesystem::path> files;
    double wall_seconds{0};
    std::string json;
};

/// Runs the Carbon storage model (outputs in workspace_dir with InVEST's names, the per-pool maps under
/// intermediate_outputs/, raster_values_summary.csv).
[[nodiscard]] InvestCarbonResult run_invest_carbon(const InvestCarbonRequest& request, const RunContext& ctx = {});

[[nodiscard]] inline const std::string& to_json(const InvestCbcResult& r) { return r.json; }
[[nodiscard]] inline const std::string& to_json(const InvestCarbonResult& r) { return r.json; }
/// The human summaries: grid, years, tiles, time, and the files written (cbc) or the totals (carbon).
[[nodiscard]] std::string summary_text(const InvestCbcResult& r);
[[nodiscard]] std::string summary_text(const InvestCarbonResult& r);

}  // namespace bluecarbon::pipeline
