#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/io/input_hashes.hpp>

namespace bluecarbon {

std::vector<InputHash> hash_inputs(const std::vector<std::pair<std::string, std::filesystem::path>>& files) {
    std::vector<InputHash> out;
    out.reserve(files.size());
    for (const auto& [name, path] : files) out.push_back({name, path, sha256_file_hex(path)});
    return out;
}

}  // namespace bluecarbon
