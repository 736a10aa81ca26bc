#pragma once
// Private to the habitat/stock steps: the shard run (its tiles captured into DIR/shard-i-of-n/, journalled), the
// checkpointed single run (shard 0 of 1, then merged), and the merge of finished shards into the outputs that
// one process writes, byte for byte.
#include "pipeline/shard/manifest.hpp"
#include "pipeline/stock/stock_tables.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::stock {

/// ctx.shard set: that shard; else (ctx.resume) the whole plan checkpointed in shard-0-of-1, merged at the end.
[[nodiscard]] StockResult run_checkpointed(const config::ProjectConfig& cfg, const RunContext& ctx, bool with_stock);

/// Writes the outputs of the finished shards `shards` (manifests checked to agree, sorted by index, covering
/// the plan) into `dir`. Throws InputError when a shard is unfinished or an input changed since.
[[nodiscard]] StockResult merge_stock_shards(const std::filesystem::path& dir,
                                             const std::vector<shard::Manifest>& shards, const RunContext& ctx);

// Shared with stock_run.cpp.
[[nodiscard]] std::vector<double> row_areas(const Grid& grid);
[[nodiscard]] StockResult make_result(const StockRunSummary& run, std::string run_json,
                                      std::vector<std::filesystem::path> outputs);

}  // namespace bluecarbon::pipeline::stock
