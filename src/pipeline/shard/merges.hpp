#pragma once
// Private to the pipeline: the merges of the tile-by-tile commands' shards (run_merge dispatches on the manifests'
// command). Each returns the merged run's --json text and summary text.
#include "pipeline/shard/manifest.hpp"

#include <bluecarbon/pipeline/run_context.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace bluecarbon::pipeline::shard {

using Merged = std::pair<std::string, std::string>;
[[nodiscard]] Merged merge_zonal(const std::filesystem::path& dir, const std::vector<Manifest>& shards,
                                 const RunContext& ctx);
[[nodiscard]] Merged merge_indices(const std::filesystem::path& dir, const std::vector<Manifest>& shards,
                                   const RunContext& ctx);
[[nodiscard]] Merged merge_invest_cbc(const std::filesystem::path& dir, const std::vector<Manifest>& shards,
                                      const RunContext& ctx);

}  // namespace bluecarbon::pipeline::shard
