#pragma once
// A file's bytes as a string (empty when it cannot be read), for tests comparing outputs byte for byte.
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

}  // namespace bluecarbon::test
