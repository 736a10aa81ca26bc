#pragma once
// How often a text holds a needle (non-overlapping), for tests of generated HTML and SVG.
#include <cstddef>
#include <string>

namespace bluecarbon::test {

inline std::size_t count_occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + needle.size()))
        ++n;
    return n;
}

} // namespace bluecarbon::test
