#pragma once
/// The inputs a run read, with the SHA-256 of each file's bytes: the provenance in run records (biomass_model.json
/// "inputs", later certificates).
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace bluecarbon {

struct InputHash {
    std::string name;             ///< the role of the file ("project", "trees", "reflectance", ...)
    std::filesystem::path path;   ///< as recorded
    std::string sha256;           ///< 64 lower-case hex digits
};

/// Hashes each (name, path), in order. Throws IoError naming the file when one cannot be read.
[[nodiscard]] std::vector<InputHash> hash_inputs(
    const std::vector<std::pair<std::string, std::filesystem::path>>& files);
/// As above, reusing the hash recorded in the JSON file `cache` for a file whose device, inode, size, modification
/// and status-change times are those recorded (any write to a file moves its status-change time, which no user
/// call sets back), and recording the others (written atomically; a cache that cannot be read or written is
/// ignored). The shards of one run and their merge then read each input once, not once per process.
[[nodiscard]] std::vector<InputHash> hash_inputs(
    const std::vector<std::pair<std::string, std::filesystem::path>>& files, const std::filesystem::path& cache);

}  // namespace bluecarbon
