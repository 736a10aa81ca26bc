#pragma once
// Private to the pipeline: manifest.json of a shard folder — what the shard computed (command, project, plan,
// its tile range), from what (each input's SHA-256, the parameters that shape the outputs, the scene statistics)
// and with which tool version. Merge and resume compare manifests and name what differs.
#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/io/input_hashes.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::shard {

struct Manifest {
    std::string tool_version;
    std::string command;               ///< "stock", "habitat"
    std::filesystem::path project;     ///< absolute
    std::size_t index{0}, count{1};    ///< this shard
    std::int64_t width{0}, height{0};  ///< the plan's grid
    std::int64_t tile_width{0}, tile_height{0};
    std::size_t tiles{0};                       ///< of the whole plan
    std::size_t first_tile{0}, end_tile{0};     ///< this shard's range [first, end)
    std::map<std::string, std::string> parameters;  ///< output-shaping options as text ("compression", ...)
    std::map<std::string, double> thresholds;       ///< the rules' scene statistics
    std::vector<std::string> rasters;               ///< record blob order
    std::vector<InputHash> inputs;
};

/// The manifest of shard (index, count) of `plan`, its range from TilePlan::shard. Throws ConfigError for a bad
/// shard spec (e.g. "--shard: 3/3: the index must be below the count").
[[nodiscard]] Manifest make_manifest(const TilePlan& plan, std::size_t index, std::size_t count);

void write_manifest(const std::filesystem::path& dir, const Manifest& m);
/// Throws InputError naming the file when it is missing or malformed.
[[nodiscard]] Manifest read_manifest(const std::filesystem::path& dir);

/// What differs between two runs' manifests, one phrase per difference ("input reflectance changed (sha256 ...)",
/// "tool version 1.0.0 vs 1.1.0", "parameter compression deflate vs zstd"), shard index and range ignored.
/// `with_thresholds`: compare the scene statistics too.
[[nodiscard]] std::vector<std::string> differences(const Manifest& a, const Manifest& b, bool with_thresholds);

}  // namespace bluecarbon::pipeline::shard
