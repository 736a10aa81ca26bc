#pragma once
// Bit-for-bit equality of doubles (tells −0 from +0 and compares NaN payloads), for determinism tests.
#include <cstring>

namespace bluecarbon::test {

inline bool same_bits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace bluecarbon::test
