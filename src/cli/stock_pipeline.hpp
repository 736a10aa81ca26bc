#pragma once
// Private to the CLI: the habitat and stock raster steps run from a project file (`bluecarbon habitat`,
// `bluecarbon stock`). Library-level pieces (rules, tidal zones, pools, geoid) live in science and io; this
// file wires them over the tile engine and writes the outputs through one OutputTransaction.
#include "cli/cli_context.hpp"

#include <filesystem>

namespace bluecarbon::cli {

struct StockPipelineOptions {
    std::filesystem::path project;
    CommonOptions common;
    CompressionOptions compression;  ///< else the project's [processing] compression
    bool threads_given{false};  ///< --threads on the command line (else the project's [processing] value)
    bool tile_given{false};
    bool with_stock{false};     ///< false: habitat only
};

/// Runs the habitat step (and, with `with_stock`, the pools) and prints the summary (text or --json).
/// Throws bluecarbon errors (ConfigError/InputError → exit 2) before any output is published.
void run_stock_pipeline(const CliContext& ctx, const StockPipelineOptions& options);

}  // namespace bluecarbon::cli
