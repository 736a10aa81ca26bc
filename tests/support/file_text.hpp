#pragma once
// A file's bytes as a string (empty when it cannot be read), for tests comparing outputs byte for byte, and a
// file written from a string.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bluecarbon::test {

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Writes `text` to `p` as it is (binary), creating the parent folders.
inline void write_text(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace bluecarbon::test
