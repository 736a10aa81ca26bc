#pragma once
// The pools' positions in the per-pool arrays (science::Pool's order), as subscripts for the pool tests.
#include <bluecarbon/science/pools.hpp>

#include <cstddef>

namespace bluecarbon::test {

inline constexpr std::size_t AGB = static_cast<std::size_t>(science::Pool::agb);
inline constexpr std::size_t BGB = static_cast<std::size_t>(science::Pool::bgb);
inline constexpr std::size_t DEAD = static_cast<std::size_t>(science::Pool::dead);
inline constexpr std::size_t SOC = static_cast<std::size_t>(science::Pool::soc);
inline constexpr std::size_t TOTAL = static_cast<std::size_t>(science::Pool::total);

} // namespace bluecarbon::test
